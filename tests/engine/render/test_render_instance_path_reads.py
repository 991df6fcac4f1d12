"""The highlight of an instance's path reads what it draws, not every row: each distinct transition once, and
the branches' and map items' in one statement. It read the whole history (50,000 rows of a loop: 267 ms) and
each item's in a statement of its own (two per item, after listing them a page at a time). The highlight is
the one every history row gives: checked against that reading on the shipped workflows' examples, a flow of
parallel branches and nested maps, a long loop and a wide map."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from test_render_instance_path import FLOW as FANNING
from typer.testing import CliRunner

import designer.executors  # noqa: F401 - the agent system's offline rules run the examples' tasks, as in the CLI
from bench.bulk_rows import lengthen_history
from definitions import WORKFLOWS_DIR
from engine.cli.app import build_app
from engine.definition import Workflow
from engine.render import BranchRun, Highlight
from engine.runtime.engine import Engine
from engine.runtime.instance_path import branch_scope, instance_highlight
from engine.runtime.snapshot import AUTO
from engine.runtime.views import InstanceView, TrailStep
from storage.transaction import Transaction

LOOP: dict[str, Any] = {
    "id": "loop", "title": "Loop", "initial": "draft",
    "states": {"draft": {"type": "wait", "duration": "P1D"}, "review": {"type": "wait", "duration": "P1D"},
               "done": {"type": "final"}},
    "transitions": [{"source": "draft", "trigger": "revise", "dest": "review"},
                    {"source": "review", "trigger": "revise", "dest": "draft"},
                    {"source": "review", "trigger": "accept", "dest": "done"},
                    {"source": ["draft", "review"], "trigger": "done", "dest": "done"}],
}
WIDE = 300  # map items: each sorted by a choice into 'small' or 'big'
MAP: dict[str, Any] = {
    "id": "wide", "title": "Wide map", "initial": "each",
    "context": {"type": "object", "properties": {"items": {"type": "array"}}},
    "states": {"each": {"type": "map", "items": "items", "max_concurrency": 100, "iterator": {
        "initial": "sort", "states": {"sort": {"type": "choice"}, "small": {"type": "final"}, "big": {"type": "final"},
                                      "never": {"type": "final"}},
        "transitions": [{"source": "sort", "dest": "never", "guard": "item < 0", "priority": 1},
                        {"source": "sort", "dest": "small", "guard": "item < 100", "priority": 2},
                        {"source": "sort", "dest": "big"}]}},
               "done": {"type": "final"}},
    "transitions": [{"source": "each", "trigger": "done", "dest": "done"}],
}


def every_row_highlight(engine: Engine, workflow: Workflow, instance_id: str) -> Highlight:
    """The highlight from every row of the instance's history and of each of its branches' and items' (the
    reading this change replaced), to compare with."""
    runs = [BranchRun(branch_scope(child.branch), tuple(step.to_state for step in trail), _moves(trail),
                      item="#" in child.branch.rpartition("/")[2])
            for child in _branch_descendants(engine, instance_id) for trail in [engine.trail(child.id)]]
    return Highlight.of_history(workflow, _moves(engine.trail(instance_id)), runs)


def _moves(trail: list[TrailStep]) -> tuple[tuple[str, str | None, str], ...]:
    return tuple((s.from_state, None if s.event == AUTO else s.event, s.to_state)
                 for s in trail if s.from_state is not None and s.from_state != s.to_state)


def _branch_descendants(engine: Engine, parent: str) -> Iterator[InstanceView]:
    for child in engine.list_instances(parent_id=parent, limit=10_000):
        if child.branch:
            yield child
            yield from _branch_descendants(engine, child.id)


@contextmanager
def counting_reads() -> Iterator[list[int]]:
    """The rows each statement returned, for every read through `Transaction.all` and `.one` (every store's)."""
    returned: list[int] = []
    real_all, real_one = Transaction.all, Transaction.one

    def counted_all(tx: Transaction, sql: str, params: Any = ()) -> Any:
        rows = real_all(tx, sql, params)
        returned.append(len(rows))
        return rows

    def counted_one(tx: Transaction, sql: str, params: Any = ()) -> Any:
        row = real_one(tx, sql, params)
        returned.append(int(row is not None))
        return row

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Transaction, "all", counted_all)
        patch.setattr(Transaction, "one", counted_one)
        yield returned


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    with Engine(database_url) as built:
        yield built


def _ran(engine: Engine, flow: dict[str, Any], context: dict[str, Any] | None = None) -> str:
    engine.deploy(flow)
    started = engine.start(flow["id"], context or {})
    engine.run_until_idle()
    return started.id


def test_a_flow_of_branches_and_nested_maps_is_highlighted_as_its_every_row(engine: Engine) -> None:
    instance_id = _ran(engine, FANNING, {"items": [1, 2, 30, 4]})
    workflow = Workflow.model_validate(FANNING)
    found = instance_highlight(engine, workflow, instance_id)
    assert found == every_row_highlight(engine, workflow, instance_id)
    assert found.items_through("both/right/inner/iterator/small") == "3 of 4 items"


def test_a_long_loop_is_highlighted_from_its_few_distinct_steps(engine: Engine, database_url: str) -> None:
    instance_id = _ran(engine, LOOP)
    lengthen_history(sa.create_engine(database_url), instance_id, 5_000, here="draft", there="review",
                     event="revise")
    workflow = Workflow.model_validate(LOOP)
    with counting_reads() as returned:
        found = instance_highlight(engine, workflow, instance_id)
    assert found == every_row_highlight(engine, workflow, instance_id)
    assert found.states == {"draft", "review"}
    assert found.transitions == {0, 1}
    assert sum(returned) <= 4, returned  # the instance, its two distinct steps and its first entry: not 5,000 rows


def test_a_wide_map_s_items_are_read_in_one_statement(engine: Engine) -> None:
    instance_id = _ran(engine, MAP, {"items": list(range(WIDE))})
    workflow = Workflow.model_validate(MAP)
    with counting_reads() as returned:
        found = instance_highlight(engine, workflow, instance_id)
    assert found == every_row_highlight(engine, workflow, instance_id)
    assert found.items_through("each/iterator/small") == f"100 of {WIDE} items"
    assert found.items_through("each/iterator/never") is None
    assert len(returned) == 3, len(returned)  # the instance, its steps, its items' steps: not two per item


def _first_examples() -> list[tuple[Path, str]]:
    found = []
    for path in sorted(WORKFLOWS_DIR.glob("*.json")):
        examples = json.loads(path.read_text(encoding="utf-8")).get("examples", [])
        if examples:
            found.append((path, examples[0]["name"]))
    return found


@pytest.mark.parametrize(("path", "example"), _first_examples(), ids=lambda v: getattr(v, "stem", v))
def test_a_shipped_workflow_s_example_is_highlighted_as_its_every_row(path: Path, example: str,
                                                                      tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    done = CliRunner().invoke(build_app("run"), ["run", str(path), "--example", example, "--db", url,
                                                 "--format", "json"])
    assert done.exit_code == 0, done.output
    instance_id = json.loads(done.stdout)["instance"]["id"]
    workflow = Workflow.model_validate_json(path.read_text(encoding="utf-8"))
    with Engine(url) as engine:
        assert instance_highlight(engine, workflow, instance_id) == every_row_highlight(engine, workflow,
                                                                                        instance_id)
