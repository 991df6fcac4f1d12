"""On SQLite, another process's write transaction (a connection holding `BEGIN IMMEDIATE` on the file) delays no
read: opening an engine on a database whose schema is current, the engine's reads and the CLI's read-only
commands answer while it holds the lock; a write still waits for it, up to the busy timeout, and then fails.

The lock is released only after the read has answered, and the busy timeout is shortened to a second: a read that
waited would fail with "database is locked" instead of answering."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlite_locks import write_locked
from typer.testing import CliRunner

import storage.database
from engine.cli.app import build_app
from engine.errors import StorageError
from engine.runtime.engine import Engine

WORKFLOW: dict[str, Any] = {
    "id": "chain", "title": "One step", "initial": "a",
    "states": {"a": {"type": "task", "action": "step"}, "done": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "a", "trigger": "done", "dest": "done"}],
}


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated database with one instance of `chain`; busy timeout one second (read when a connection opens)."""
    monkeypatch.setattr(storage.database, "BUSY_TIMEOUT_MS", 1000)
    path = tmp_path / "statewright.db"
    shutil.copyfile(sqlite_template, path)
    with Engine(f"sqlite:///{path}") as engine:
        engine.deploy(WORKFLOW)
        engine.start("chain")
    return path


def _instance_id(database: Path) -> str:
    with closing(sqlite3.connect(database)) as connection:
        return str(connection.execute("SELECT id FROM instances").fetchone()[0])


def test_an_engine_opens_and_reads_while_another_process_writes(database: Path) -> None:
    with write_locked(database), Engine(f"sqlite:///{database}") as engine:  # migrate=True: the schema is checked
        assert [view.workflow_id for view in engine.list_instances()] == ["chain"]
        engine.ping()


def test_a_write_still_waits_for_the_lock_then_fails(database: Path) -> None:
    with write_locked(database), Engine(f"sqlite:///{database}") as engine, \
            pytest.raises(StorageError, match="database is locked"):
        engine.start("chain")


@pytest.mark.parametrize("command", ["instances", "show", "history"])
def test_a_read_only_command_answers_while_another_process_writes(database: Path, command: str) -> None:
    instance_id = _instance_id(database)
    arguments = [command] if command == "instances" else [command, instance_id]
    with write_locked(database):
        done = CliRunner().invoke(build_app(command), [*arguments, "--format", "json", "--db", f"sqlite:///{database}"],
                                  env={"COLUMNS": "250"})
        assert done.exit_code == 0, done.output
    assert instance_id in done.output
    json.loads(done.output)
