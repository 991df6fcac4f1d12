"""QA: `engine.close()` was not final — `start()` and `get()` quietly worked again afterwards, reopening
connections and, on SQLite, the checkpoint thread a closed engine had stopped. A closed engine refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Engine, StorageError

FLOW = {"id": "note", "title": "Note", "initial": "done", "states": {"done": {"type": "final"}}, "transitions": []}


def test_a_closed_engine_refuses_reads_and_writes_and_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'closed.db'}"
    engine = Engine(url)
    engine.deploy(FLOW)
    run = engine.start("note", {})
    engine.close()
    for call in (lambda: engine.start("note", {}), lambda: engine.get(run.id), engine.list_instances):
        with pytest.raises(StorageError, match=r"the engine was closed \(close\(\) is final\)"):
            call()
    with Engine(url) as again:  # the database itself is as it was
        assert again.get(run.id).status == "succeeded"
