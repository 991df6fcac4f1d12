"""`writes_without_waiting`: the first write of the block raises `WriterBusy`, having done nothing, when SQLite's
writer is busy (another thread of the process, another connection — another process's), instead of waiting;
PostgreSQL, which has no single writer, always refuses it. Writes after the first, and outside the block, wait as
usual."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.database import create_database_engine
from storage.errors import WriterBusy
from storage.instances import InstanceRecord, InstanceStore
from storage.transaction import Store, writes_without_waiting


def _instance(instance_id: str) -> InstanceRecord:
    return InstanceRecord(instance_id, "flow", 1, "", "default", "a", "running", {"n": 0}, None, None, 0, None, None,
                          1.0, 1.0)


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path) -> Path:
    path = tmp_path / "w.db"
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.fixture
def store(database: Path) -> Iterator[Store]:
    opened = Store(create_database_engine(f"sqlite:///{database}"))
    yield opened
    opened.close()


def _ids(store: Store) -> set[str]:
    with store.read() as tx:
        return {row[0] for row in tx.all("SELECT id FROM instances")}


def test_a_free_writer_writes_at_once(store: Store) -> None:
    with writes_without_waiting(), store.write() as tx:
        InstanceStore(tx).insert(_instance("a"))
    assert _ids(store) == {"a"}


def test_another_connections_write_lock_is_refused_at_once_and_nothing_is_written(store: Store,
                                                                                   database: Path) -> None:
    other = sqlite3.connect(database, isolation_level=None)  # as another process would hold it
    other.execute("BEGIN IMMEDIATE")
    try:
        began = time.monotonic()
        with pytest.raises(WriterBusy, match="another process"), writes_without_waiting(), store.write() as tx:
            InstanceStore(tx).insert(_instance("refused"))
        assert time.monotonic() - began < 1.0  # not SQLite's busy timeout (30 s)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _ids(store) == set()
    with store.write() as tx:  # the connection's busy timeout is back: a later write works as ever
        InstanceStore(tx).insert(_instance("later"))
    assert _ids(store) == {"later"}


def test_after_a_refusal_the_connection_waits_for_a_busy_writer_again(store: Store, database: Path) -> None:
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(WriterBusy), writes_without_waiting(), store.write():
        pass
    release = threading.Timer(0.3, lambda: other.execute("ROLLBACK"))
    release.start()
    try:
        began = time.monotonic()
        with store.write() as tx:  # waits in SQLite's busy handler until the other connection lets go
            InstanceStore(tx).insert(_instance("waited"))
        assert time.monotonic() - began >= 0.2
    finally:
        release.join()
        other.close()
    assert _ids(store) == {"waited"}


def test_another_threads_write_is_refused_at_once(store: Store, database: Path) -> None:
    second = Store(create_database_engine(f"sqlite:///{database}"))
    entered, leave = threading.Event(), threading.Event()

    def writer() -> None:
        with store.write() as tx:
            InstanceStore(tx).insert(_instance("first"))
            entered.set()
            leave.wait(5)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert entered.wait(5)
        with pytest.raises(WriterBusy, match="another thread"), writes_without_waiting(), second.write():
            pass
    finally:
        leave.set()
        thread.join()
        second.close()
    assert _ids(store) == {"first"}


def test_only_the_first_write_of_the_block_is_asked_not_to_wait(store: Store, database: Path) -> None:
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    with writes_without_waiting():
        with store.write() as tx:
            InstanceStore(tx).insert(_instance("first"))
        other.execute("BEGIN IMMEDIATE")
        release = threading.Timer(0.2, lambda: other.execute("ROLLBACK"))
        release.start()
        try:
            with store.write() as tx:  # the second write waits for the other connection, as outside the block
                InstanceStore(tx).insert(_instance("second"))
        finally:
            release.join()
            other.close()
    assert _ids(store) == {"first", "second"}


def test_reads_in_the_block_are_not_refused(store: Store, database: Path) -> None:
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        with writes_without_waiting():
            assert _ids(store) == set()
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.mark.postgres
def test_postgresql_has_no_single_writer_to_find_free(postgres_database_url: str) -> None:
    store = Store(create_database_engine(postgres_database_url))
    try:
        with pytest.raises(WriterBusy, match="PostgreSQL"), writes_without_waiting(), store.write() as tx:
            InstanceStore(tx).insert(_instance("refused"))
        with store.write() as tx:
            InstanceStore(tx).insert(_instance("ordinary"))
        assert _ids(store) == {"ordinary"}
    finally:
        store.close()
