"""Migration 0009 (the children index on `parent_id, parent_seq, status`) leaves the rows as they were: a map in
progress on a database taken back to 0008 goes on, once upgraded again, to its results in item order, on SQLite
and PostgreSQL."""

from __future__ import annotations

from migration_support import downgrade, revision_and_indexes

from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine
from storage.schema import head_revision

_MAP = {
    "id": "square_each", "title": "Square each", "initial": "each",
    "states": {"each": {"type": "map", "items": "xs", "max_concurrency": 2, "output": "squares",
                        "iterator": {"initial": "square", "states": {
                            "square": {"type": "task", "action": "square", "input": {"x": "item"}, "output": "y"},
                            "ok": {"type": "final", "outcome": "success", "result": {"y": "y"}}},
                            "transitions": [{"source": "square", "trigger": "done", "dest": "ok"}]}},
               "done": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "each", "trigger": "done", "dest": "done"}],
}


def _engine(database_url: str) -> Engine:
    engine = Engine(database_url)

    @engine.register("square")
    def square(request: ActionRequest) -> int:
        return int(request.input["x"]) ** 2

    return engine


def _revision_and_indexes(database_url: str) -> tuple[str | None, set[str]]:
    return revision_and_indexes(database_url, "instances", {"ix_instances_parent_id", "ix_instances_parent_seq_status"})


def test_a_map_in_progress_before_the_index_finishes_after_it(database_url: str) -> None:
    with _engine(database_url) as engine:
        engine.deploy(_MAP)
        parent = engine.start("square_each", {"xs": list(range(7))})
        worker = engine.worker()
        for _ in range(4):  # some items end and are heard, the next ones start: the map is half way
            worker.execute(worker.claim(limit=3))
        half_way = engine.get(parent.id)
        assert (half_way.status, half_way.state) == ("running", "each")
        assert any(h.event == "(item)" for h in engine.history(parent.id))
    assert _revision_and_indexes(database_url) == (head_revision(), {"ix_instances_parent_seq_status"})
    downgrade(database_url, "0008")
    assert _revision_and_indexes(database_url) == ("0008", {"ix_instances_parent_id"})
    with _engine(database_url) as engine:  # opening the database upgrades it
        assert _revision_and_indexes(database_url) == (head_revision(), {"ix_instances_parent_seq_status"})
        engine.run_until_idle()
        done = engine.get(parent.id)
        assert (done.status, done.state) == ("succeeded", "done")
        assert done.context["squares"] == [{"y": i * i} for i in range(7)]
