"""Writes to a SQLite file deleted (or replaced) under the process are refused, not lost: an outside run deleted
the file under a running server, whose starts kept answering 201 for instances nobody would ever find. Now the
store refuses every write once it has seen the file gone (`DatabaseUnavailable`: the engine's `StorageError`, the
API's 503), while what was written before stays readable in the process."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine.errors import StorageError
from engine.runtime.engine import Engine
from storage.transaction import FILE_LOOK_S

FLOW = {"id": "flow", "title": "Flow", "initial": "work",  # no handler here: a start leaves its job queued
        "states": {"work": {"type": "task", "action": "work"}, "done": {"type": "final"}},
        "transitions": [{"source": "work", "trigger": "done", "dest": "done"}]}


def test_a_start_into_a_deleted_file_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "gone.db"
    with Engine(f"sqlite:///{path}") as engine:
        engine.deploy(FLOW)
        first = engine.start("flow")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        time.sleep(FILE_LOOK_S)  # the store looks at its file at most this often

        with pytest.raises(StorageError, match="was deleted while this process had it open"):
            engine.start("flow")
        with pytest.raises(StorageError, match="was deleted"):  # for good, not only at the next look
            engine.cancel(first.id)
        assert engine.get(first.id).state == "work"  # reads still answer from the open file
