"""A SQLite store copies the WAL back into the database file on a thread of its own while the process writes (not
only in the commit that passes `wal_autocheckpoint`), one thread per file, stopped when the last store closes."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

from storage import checkpoints
from storage.database import create_database_engine
from storage.instances import InstanceRecord, InstanceStore
from storage.transaction import Store


def _instance(instance_id: str) -> InstanceRecord:
    return InstanceRecord(instance_id, "flow", 1, "", "default", "a", "running", {"n": 0}, None, None, 0, None, None,
                          1.0, 1.0)


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("sqlite-checkpoints:")]


def _passed(found: checkpoints.Checkpoints, at_least: int) -> bool:
    deadline = time.monotonic() + 10
    while found.passes < at_least and time.monotonic() < deadline:
        time.sleep(0.01)
    return found.passes >= at_least


def test_what_a_store_writes_reaches_the_database_file_without_a_commit_checkpointing(
        tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "w.db")
    store = Store(create_database_engine(f"sqlite:///{tmp_path / 'w.db'}"))
    try:
        found = store._checkpoints
        assert found is not None
        for n in range(20):  # a few pages: far below wal_autocheckpoint, so no commit checkpoints them
            with store.write() as tx:
                InstanceStore(tx).insert(_instance(f"i{n}"))
        assert _passed(found, 1)
        shutil.copyfile(tmp_path / "w.db", tmp_path / "copy.db")  # the database file alone, without its WAL
        copy = sqlite3.connect(tmp_path / "copy.db")
        try:
            assert copy.execute("SELECT COUNT(*) FROM instances").fetchone() == (20,)
        finally:
            copy.close()
    finally:
        store.close()


def test_stores_on_one_file_share_one_thread_which_stops_when_the_last_closes(
        tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "s.db")
    url = f"sqlite:///{tmp_path / 's.db'}"
    before = len(_threads())
    first, second = Store(create_database_engine(url)), Store(create_database_engine(url))
    try:
        assert first._checkpoints is second._checkpoints is not None
        for store, name in ((first, "a"), (second, "b")):
            with store.write() as tx:
                InstanceStore(tx).insert(_instance(name))
        assert len(_threads()) == before + 1
        first.close()
        with second.write() as tx:  # the thread still serves the store left
            InstanceStore(tx).insert(_instance("c"))
        found = second._checkpoints
        assert found is not None
        assert _passed(found, 1)
    finally:
        first.close()
        second.close()
    assert len(_threads()) == before


def test_a_store_that_only_reads_starts_no_thread(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "r.db")
    before = len(_threads())
    store = Store(create_database_engine(f"sqlite:///{tmp_path / 'r.db'}"))
    try:
        with store.read() as tx:
            assert InstanceStore(tx).get("none") is None
        assert len(_threads()) == before
    finally:
        store.close()
