"""A transition that leaves the context as it was does not write it again (a large context is most of the row),
and one that changes it does — also when a worker's chain of inline tasks folds several transitions of one
instance into one row update, where a later task that changes nothing must keep what an earlier one wrote.

Observed with a SQLite trigger on `UPDATE OF context` (fired only when the UPDATE names the column), and by
reading the instance back, on both databases for the fold."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from engine.runtime.actions import ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

WAITS: dict[str, Any] = {
    "id": "notes",
    "title": "Notes on a waiting instance",
    "initial": "open",
    "states": {"open": {"type": "wait", "duration": "P1D"}, "closed": {"type": "final", "outcome": "success"}},
    "transitions": [
        {"source": "open", "trigger": "poke", "dest": "open"},  # changes nothing in the context
        {"source": "open", "trigger": "note", "dest": "open", "assign": {"note": "event.text"}},
        {"source": "open", "trigger": "done", "dest": "closed"},
    ],
}
CHAIN: dict[str, Any] = {
    "id": "chain",
    "title": "A task that writes, then one that does not",
    "initial": "write",
    "states": {
        "write": {"type": "task", "action": "answer", "output": "answer"},
        "look": {"type": "task", "action": "look"},  # no output: its done leaves the context as it was
        "end": {"type": "final", "outcome": "success"},
    },
    "transitions": [
        {"source": "write", "trigger": "done", "dest": "look"},
        {"source": "look", "trigger": "done", "dest": "end"},
    ],
}


@pytest.fixture
def path(tmp_path: Path, sqlite_template: Path) -> Path:
    target = tmp_path / "context.db"
    shutil.copyfile(sqlite_template, target)
    with sqlite3.connect(target) as connection:
        connection.executescript(
            "CREATE TABLE context_writes (instance_id TEXT, version INTEGER);"
            "CREATE TRIGGER note_context_write AFTER UPDATE OF context ON instances "
            "BEGIN INSERT INTO context_writes VALUES (NEW.id, NEW.version); END;")
    return target


def _context_writes(path: Path) -> list[int]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT version FROM context_writes ORDER BY version")]


def test_an_unchanged_context_is_not_written_again(path: Path) -> None:
    big = {"transcript": "x" * 200_000, "customer": {"id": 7}}
    with Engine(f"sqlite:///{path}") as engine:
        engine.deploy(WAITS)
        started = engine.start("notes", big)
        engine.send(started.id, "poke")
        engine.send(started.id, "poke")
        engine.send(started.id, "note", {"text": "called back"})
        engine.send(started.id, "poke")
        view = engine.get(started.id)
    assert _context_writes(path) == [4]  # the note's transition only (the start inserted the row)
    assert view.version == 5
    assert view.context == {**big, "note": "called back"}


@pytest.mark.parametrize("eager", [True, False], ids=["run-by-start", "run-by-worker"])
def test_a_folded_chain_keeps_what_an_earlier_task_wrote(database_url: str, clock: ManualClock, eager: bool) -> None:
    with Engine(database_url, clock=clock, eager_inline=eager) as engine:
        engine.deploy(CHAIN)
        engine.register("answer", lambda request: {"value": 42}, inline=True)
        engine.register("look", lambda request: None, inline=True)
        started = engine.start("chain", {"question": "six times seven"})
        worker = engine.worker()
        worker.fold.budget_s = 60.0  # however loaded the machine, the chain folds into one transaction
        try:
            worker.run_until_idle()
        finally:
            worker.close()
        view = engine.get(started.id)
    assert view.status == "succeeded"
    assert view.context == {"question": "six times seven", "answer": {"value": 42}}


def test_a_handler_request_sees_the_context_an_unwritten_step_left(path: Path) -> None:
    """After transitions that wrote no context, the next task's input is still read from the stored one."""
    seen: list[Any] = []

    def remember(request: ActionRequest) -> None:
        seen.append(request.input)

    flow = {**WAITS, "states": {**WAITS["states"], "ask": {"type": "task", "action": "remember",
                                                           "input": {"note": "note"}}},
            "transitions": [*WAITS["transitions"], {"source": "open", "trigger": "ask", "dest": "ask"},
                            {"source": "ask", "trigger": "done", "dest": "closed"}]}
    with Engine(f"sqlite:///{path}") as engine:
        engine.deploy(flow)
        engine.register("remember", remember)
        started = engine.start("notes", {})
        engine.send(started.id, "note", {"text": "first"})
        engine.send(started.id, "poke")
        engine.send(started.id, "ask")
        engine.run_until_idle()
        assert engine.get(started.id).status == "succeeded"
    assert seen == [{"note": "first"}]
