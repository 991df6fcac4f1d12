"""On SQLite a thread of the store copies the WAL back into the database file ahead of the writer's own
checkpoint (which then pays for the syncs, not the copying), and the WAL stays as small as SQLite keeps it."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from storage.database import WAL_CHECKPOINT_PAGES, create_database_engine
from storage.instances import InstanceRecord, InstanceStore
from storage.transaction import Store
from storage.wal_checkpoints import CHECKPOINT_AFTER_S

_BLOB = "x" * 100_000  # 25 pages of 4 KiB a row


def _instance(n: int) -> InstanceRecord:
    return InstanceRecord(f"i-{n:04d}", "flow", 1, "", "default", "a", "running", {"blob": _BLOB, "n": n}, None, None,
                          0, None, None, 1.0, 1.0)


@pytest.fixture
def path(tmp_path: Path, sqlite_template: Path) -> Path:
    target = tmp_path / "wal.db"
    shutil.copyfile(sqlite_template, target)
    return target


@pytest.fixture
def open_store(path: Path) -> Iterator[list[Store]]:
    opened: list[Store] = []
    yield opened
    for store in opened:
        store.close()


def _store(path: Path, opened: list[Store], checkpoint_after_s: float = CHECKPOINT_AFTER_S) -> Store:
    store = Store(create_database_engine(f"sqlite:///{path}"), checkpoint_after_s=checkpoint_after_s)
    opened.append(store)
    return store


def _write(store: Store, rows: range) -> None:
    for n in rows:  # a transaction each: many commits, as an engine makes them
        with store.write() as tx:
            InstanceStore(tx).insert(_instance(n))


def _checkpointer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "statewright-wal-checkpoint"]


def test_under_writes_that_never_pause_the_wal_stays_within_the_writers_threshold(
        path: Path, open_store: list[Store]) -> None:
    store = _store(path, open_store, checkpoint_after_s=0.01)  # the thread checkpoints all the while
    _write(store, range(300))  # ~7,500 pages, commit after commit: past the 4,000 at which the writer checkpoints
    assert store.checkpointer is not None
    assert store.checkpointer.checkpoints >= 1
    # a checkpoint made while writes go on never finds the WAL all copied: only the writer's own lets it start over
    assert Path(f"{path}-wal").stat().st_size < (WAL_CHECKPOINT_PAGES + 1_000) * 4096
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM instances") == 300


def test_the_checkpointer_copies_the_whole_wal_back_soon_after_the_commits(path: Path,
                                                                          open_store: list[Store]) -> None:
    store = _store(path, open_store, checkpoint_after_s=0.05)
    size_before = path.stat().st_size
    _write(store, range(40))
    checkpointer = store.checkpointer
    assert checkpointer is not None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (checkpointer.last and checkpointer.last[1] == checkpointer.last[2]
                                               and path.stat().st_size > size_before + 40 * len(_BLOB)):
        time.sleep(0.02)

    assert checkpointer.last is not None
    busy, in_wal, copied = checkpointer.last
    assert (busy, copied) == (0, in_wal)  # all of the WAL, nothing left behind
    assert in_wal > 0
    assert path.stat().st_size > size_before + 40 * len(_BLOB)  # the rows are in the database file itself
    store.close()
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT COUNT(*) FROM instances").fetchone() == (40,)


def test_a_store_that_only_reads_starts_no_thread_and_closing_a_writer_stops_its_own(
        path: Path, open_store: list[Store]) -> None:
    before = set(_checkpointer_threads())
    reader = _store(path, open_store)
    with reader.read() as tx:
        tx.scalar("SELECT COUNT(*) FROM instances")
    assert set(_checkpointer_threads()) == before

    writer = _store(path, open_store)
    _write(writer, range(1))
    started = set(_checkpointer_threads()) - before
    assert len(started) == 1
    writer.close()
    assert not any(thread.is_alive() for thread in started)
