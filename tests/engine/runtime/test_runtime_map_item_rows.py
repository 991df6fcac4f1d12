"""Every item's end is a step of its map's parent, `(item)` — the last ones too: the items that end together as the
map finishes (a worker's batch ends them in one transaction, and the parent hears the first of them only) are
rows just before its `done` or `error`, in item order, each counting the ends as of its own row. An auditor reads
from the parent's history when and how each item ended, what the map's totals were, and which items it cancelled."""

from __future__ import annotations

from typing import Any

from runtime_support import assert_consistent, edge, final, finished, task, workflow

from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.engine import Engine

_COUNTS = ("index", "status", "done", "failed", "running", "active", "ended_unheard", "total")


def _scoring(**options: Any) -> Any:
    iterator = {"initial": "work",
                "states": {"work": task("score", input={"lead": "item"}, output="score"),
                           "ok": final(result={"score": "score"}), "bad": final("failure")},
                "transitions": [edge("work", "ok", "done"), edge("work", "bad", "error")]}
    return workflow({"each": {"type": "map", "items": "leads", "output": "scores", "iterator": iterator, **options},
                     "done": final(), "failed": final("failure")},
                    [edge("each", "done", "done"), edge("each", "failed", "error")], id="squad")


def _register(engine: Engine, failing: frozenset[str] = frozenset()) -> None:
    @engine.register("score")
    def score(request: ActionRequest) -> int:
        if request.input["lead"] in failing:
            raise ActionError("validation", f"cannot score {request.input['lead']}")
        return len(request.input["lead"])


def _rows(engine: Engine, instance_id: str) -> list[tuple[Any, ...]]:
    return [tuple(h.payload[key] for key in _COUNTS) for h in engine.history(instance_id) if h.event == "(item)"]


def _end_all_running(engine: Engine) -> None:
    """Run every item's action in one batch: one transaction ends them all, their ends queued for the parent."""
    worker = engine.worker()
    worker.execute(worker.claim(limit=50))


def test_the_items_ending_together_last_are_rows_before_the_maps_done(engine: Engine) -> None:
    engine.deploy(_scoring(max_concurrency=3))
    _register(engine)
    parent = engine.start("squad", {"leads": ["ann", "bob", "carla"]})
    _end_all_running(engine)
    done = finished(engine, parent)
    assert done.state == "done"
    assert _rows(engine, done.id) == [(0, "succeeded", 1, 0, 2, 0, 2, 3), (1, "succeeded", 2, 0, 1, 0, 1, 3),
                                      (2, "succeeded", 3, 0, 0, 0, 0, 3)]
    assert [h.event for h in engine.history(done.id)] == ["(start)", "(item)", "(item)", "(item)", "done"]
    assert_consistent(engine, done.id)


def test_a_failed_map_tells_every_end_before_its_error_and_what_never_started(engine: Engine) -> None:
    """Four of six items run and end together, one failing beyond the tolerance: four rows (which item, how it
    ended), the last one's totals — 3 done, 1 failed, none running of 6: two never started — then the error."""
    engine.deploy(_scoring(max_concurrency=4))
    _register(engine, failing=frozenset({"carla"}))
    parent = engine.start("squad", {"leads": ["ann", "bob", "carla", "dimitri", "eve", "fay"]})
    _end_all_running(engine)
    failed = finished(engine, parent)
    assert failed.state == "failed"
    assert _rows(engine, failed.id) == [(0, "succeeded", 1, 0, 3, 0, 3, 6), (1, "succeeded", 2, 0, 2, 0, 2, 6),
                                        (2, "failed", 2, 1, 1, 0, 1, 6), (3, "succeeded", 3, 1, 0, 0, 0, 6)]
    last = engine.history(failed.id)[-1]
    assert (last.event, last.payload["failed"], last.payload["cancelled"]) == ("error", [2], [])
    assert_consistent(engine, failed.id)


def test_the_items_a_failed_map_cancels_are_named_by_its_error(engine: Engine) -> None:
    """Items 0, 2 and 3 end as they start, item 2 beyond the tolerance; item 1 still waits: the rows tell the three
    ends (the last counting the one still running), and the error names item 1 as cancelled."""
    iterator = {"initial": "route",
                "states": {"route": {"type": "choice"}, "wait_reply": {"type": "wait", "event": {"type": "reply"}},
                           "sorted": final(result={"ticket": "item"}), "unsorted": final("failure")},
                "transitions": [edge("route", "sorted", guard="item == 'ok'"),
                                edge("route", "wait_reply", guard="item == 'slow'"), edge("route", "unsorted"),
                                edge("wait_reply", "sorted", "done")]}
    engine.deploy(workflow({"each": {"type": "map", "items": "leads", "max_concurrency": 4, "iterator": iterator},
                            "done": final(), "failed": final("failure")},
                           [edge("each", "done", "done"), edge("each", "failed", "error")], id="sorting"))
    failed = finished(engine, engine.start("sorting", {"leads": ["ok", "slow", "bad", "ok"]}))
    assert failed.state == "failed"
    assert _rows(engine, failed.id) == [(0, "succeeded", 1, 0, 3, 1, 2, 4), (2, "failed", 1, 1, 2, 1, 1, 4),
                                        (3, "succeeded", 2, 1, 1, 1, 0, 4)]
    error = engine.history(failed.id)[-1].payload
    assert (error["kind"], error["failed"], error["cancelled"]) == ("map_failed", [2], [1])
    assert_consistent(engine, failed.id)


def test_every_item_of_a_long_map_has_one_row(engine: Engine) -> None:
    """40 items, 8 at a time, run by workers' batches however they fall: one `(item)` row per item, the last
    one counting all 40 done, and no row after the `done` for the ends heard late; each row's `active` at most
    the map's `max_concurrency` (its `running` also counts the ends heard next)."""
    engine.deploy(_scoring(max_concurrency=8))
    _register(engine)
    leads = [f"lead{i}" for i in range(40)]
    parent = engine.start("squad", {"leads": leads})
    while not engine.get(parent.id).ended:
        _end_all_running(engine)
        engine.run_until_idle()
    done = engine.get(parent.id)
    rows = _rows(engine, done.id)
    assert sorted(row[0] for row in rows) == list(range(40))
    assert rows[-1][2:] == (40, 0, 0, 0, 0, 40)
    assert max(row[5] for row in rows) <= 8  # `active`: never above max_concurrency, whatever `running` says
    assert all(row[4] == row[5] + row[6] for row in rows)  # running = active + ended_unheard
    assert engine.history(done.id)[-1].event == "done"
    assert_consistent(engine, done.id)
