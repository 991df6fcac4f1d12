"""A refused `statewright run` writes nothing. It deployed the workflow before it tried the start: a context that
did not fit the schema left the workflow deployed, and the file, once corrected (its title, say), was refused as
other content under a deployed version — the user was locked out of their own fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.engine import Engine

PICK: dict[str, Any] = {
    "id": "pick", "title": "Pick", "initial": "route",
    "context": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
    "states": {"route": {"type": "choice"}, "big": {"type": "final"}, "small": {"type": "final"}},
    "transitions": [{"source": "route", "dest": "big", "guard": "n > 5", "priority": 1},
                    {"source": "route", "dest": "small"}],
    "examples": [{"name": "big", "context": {"n": 9}, "expect_state": "big"},
                 {"name": "empty", "context": {}, "expect_state": "small"}],
}
PARENT: dict[str, Any] = {
    "id": "order", "title": "Order", "initial": "ship",
    "states": {"ship": {"type": "subflow", "workflow": "shipping"}, "shipped": {"type": "final"},
               "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "ship", "trigger": "done", "dest": "shipped"},
                    {"source": "ship", "trigger": "error", "dest": "failed"}],
}
CHILD: dict[str, Any] = {
    "id": "shipping", "title": "Shipping", "initial": "book", "states": {"book": {"type": "final"}},
    "transitions": [],
}


def _write(path: Path, flow: dict[str, Any]) -> Path:
    path.write_text(json.dumps(flow), encoding="utf-8")
    return path


def _run(*args: str) -> Any:
    return CliRunner().invoke(build_app("run"), ["run", *args], env={"COLUMNS": "200"})


def _deployed(db: str) -> set[str]:
    with Engine(db) as engine:
        return set(engine.catalog().workflows)


def test_a_context_that_does_not_fit_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    flow, db = _write(tmp_path / "pick.json", PICK), f"sqlite:///{tmp_path / 'x.db'}"
    refused = _run(str(flow), "--context", "{}", "--db", db)
    assert refused.exit_code == 1, refused.output
    assert "the context does not fit the workflow's schema" in refused.output
    assert "Traceback" not in refused.output
    assert not (tmp_path / "x.db").exists()  # not even the database was made
    _write(flow, {**PICK, "title": "Pick one"})  # the user corrects the file, then runs it with a good context
    done = _run(str(flow), "--context", '{"n": 3}', "--db", db)
    assert done.exit_code == 0, done.output
    assert "small (succeeded)" in done.output


def test_an_example_whose_context_does_not_fit_deploys_nothing(tmp_path: Path) -> None:
    flow, db = _write(tmp_path / "pick.json", PICK), f"sqlite:///{tmp_path / 'x.db'}"
    assert _run(str(flow), "--example", "big", "--db", db).exit_code == 0
    _write(flow, {**PICK, "version": 2, "title": "Pick, again"})
    refused = _run(str(flow), "--example", "empty", "--db", db)
    assert refused.exit_code == 1, refused.output
    assert "the context does not fit" in refused.output
    with Engine(db) as engine:
        assert engine.catalog().workflows["pick"].version == 1  # version 2 was not deployed
    _write(flow, {**PICK, "version": 2, "title": "Pick, corrected"})
    assert _run(str(flow), "--example", "big", "--db", db).exit_code == 0


def test_a_version_conflict_deploys_none_of_the_subflows_or_agents_before_it(tmp_path: Path) -> None:
    """The subflows (and agents) a run deploys go first: a workflow refused after them left them deployed."""
    db = f"sqlite:///{tmp_path / 'x.db'}"
    first = tmp_path / "first"
    first.mkdir()
    _write(first / "shipping.json", CHILD)
    assert _run(str(_write(first / "order.json", PARENT)), "--db", db).exit_code == 0
    second = tmp_path / "second"
    second.mkdir()
    _write(second / "courier.json", {**CHILD, "id": "courier", "title": "Courier"})
    changed = {**PARENT, "title": "Order (changed)",
               "states": {**PARENT["states"], "ship": {"type": "subflow", "workflow": "courier"}}}
    refused = _run(str(_write(second / "order.json", changed)), "--db", db)
    assert refused.exit_code == 1, refused.output
    assert "order version 1 is deployed with different content" in refused.output
    assert _deployed(db) == {"order", "shipping"}  # `courier` was not deployed on the way to the refusal
