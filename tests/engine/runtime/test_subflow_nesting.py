"""Workflows that start one another without end: a flow whose subflow state starts itself recursed in one
transaction until Python's `RecursionError` (a traceback from `statewright run`); two flows starting each other
after a task each kept a worker creating instances for ever. A subflow that would start more than `MAX_NESTING`
instances below the top one now fails as it starts (kind `too_deep`), and its parents hear of it as of any
child's failure. Subflows nested a few deep, as flows use them, run as before."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from engine import Engine
from engine.definition import Workflow
from engine.runtime.writer import MAX_NESTING

DB = "nesting.db"


def _calling(flow_id: str, callee: str, *, task_first: bool = False) -> dict[str, Any]:
    states: dict[str, Any] = {"call": {"type": "subflow", "workflow": callee},
                              "ok": {"type": "final"}, "bad": {"type": "final", "outcome": "failure"}}
    transitions = [{"source": "call", "trigger": "done", "dest": "ok"},
                   {"source": "call", "trigger": "error", "dest": "bad"}]
    if task_first:
        states["work"] = {"type": "task", "action": "work"}
        transitions += [{"source": "work", "trigger": "done", "dest": "call"},
                        {"source": "work", "trigger": "error", "dest": "bad"}]
    return {"id": flow_id, "title": flow_id, "initial": "work" if task_first else "call", "states": states,
            "transitions": transitions}


def _deepest_failure(database: Path, top: str) -> tuple[int, Any]:
    """How many instances lie below `top` (read from the engine's own table), and the error of the deepest."""
    with closing(sqlite3.connect(database)) as connection:
        below = dict(connection.execute("SELECT parent_id, id FROM instances WHERE parent_id IS NOT NULL").fetchall())
        depth, current = 0, top
        while current in below:
            depth, current = depth + 1, below[current]
        (error,) = connection.execute("SELECT error FROM instances WHERE id = ?", (current,)).fetchone()
    return depth, None if error is None else json.loads(error)


def test_a_flow_starting_itself_stops_at_the_nesting_limit(tmp_path: Path) -> None:
    with Engine(f"sqlite:///{tmp_path / DB}") as engine:
        engine.deploy(_calling("itself", "itself"))
        run = engine.start("itself", {})
        engine.run_until_idle(max_rounds=500)
        assert engine.get(run.id).status == "failed"
        depth, error = _deepest_failure(tmp_path / DB, run.id)
        assert depth == MAX_NESTING  # the child that would run that deep is created failed
        assert error["kind"] == "too_deep"
        assert "workflows that start one another without end" in error["message"]


def test_two_flows_starting_each_other_through_the_worker_stop_too(tmp_path: Path) -> None:
    with Engine(f"sqlite:///{tmp_path / DB}") as engine:
        engine.register("work", lambda _request: {})
        ping, pong = _calling("ping", "pong", task_first=True), _calling("pong", "ping", task_first=True)
        engine.deploy(ping, alongside=[Workflow.model_validate(pong)])
        engine.deploy(pong)
        run = engine.start("ping", {})
        engine.run_until_idle(max_rounds=500)  # before: still busy after 200 rounds, 201 instances and counting
        assert engine.get(run.id).status == "failed"
        assert _deepest_failure(tmp_path / DB, run.id)[1]["kind"] == "too_deep"


def test_subflows_nested_a_few_deep_run_as_before(tmp_path: Path) -> None:
    with Engine(f"sqlite:///{tmp_path / DB}") as engine:
        engine.deploy({"id": "leaf", "title": "leaf", "initial": "end", "states": {"end": {"type": "final"}},
                       "transitions": []})
        for level, callee in enumerate(["leaf", "level1", "level2", "level3", "level4"], start=1):
            engine.deploy(_calling(f"level{level}", callee))
        run = engine.start("level5", {})
        engine.run_until_idle()
        assert engine.get(run.id).status == "succeeded"
        assert _deepest_failure(tmp_path / DB, run.id)[0] == 5
