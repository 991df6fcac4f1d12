"""On SQLite the threads of one process queue for write transactions on a lock per database file, instead of
sleeping in SQLite's busy handler; PostgreSQL needs no such lock."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.database import create_database_engine
from storage.errors import StoreError
from storage.instances import InstanceRecord, InstanceStore
from storage.transaction import Store


def _instance(instance_id: str) -> InstanceRecord:
    return InstanceRecord(instance_id, "flow", 1, "", "default", "a", "running", {"n": 0}, None, None, 0, None, None,
                          1.0, 1.0)


def test_stores_on_one_file_share_the_writer_lock_and_other_files_do_not(tmp_path: Path) -> None:
    stores = [Store(create_database_engine(f"sqlite:///{tmp_path / name}")) for name in ("a.db", "a.db", "b.db")]
    try:
        first, same, other = (store._writer for store in stores)
        assert first is not None
        assert first is same
        assert first is not other
        assert Store(sa.create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))._writer is None
    finally:
        for store in stores:
            store.close()


def test_a_writer_waits_for_the_one_in_progress_and_both_commit(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "w.db")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    store, other = Store(create_database_engine(url)), Store(create_database_engine(url))
    entered, finished = threading.Event(), threading.Event()
    waited: list[float] = []

    def slow_writer() -> None:
        with store.write() as tx:
            InstanceStore(tx).insert(_instance("slow"))
            entered.set()
            time.sleep(0.3)
        finished.set()

    def second_writer() -> None:
        entered.wait(5)
        began = time.monotonic()
        with other.write() as tx:
            InstanceStore(tx).insert(_instance("second"))
        waited.append(time.monotonic() - began)

    try:
        threads = [threading.Thread(target=slow_writer), threading.Thread(target=second_writer)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert finished.is_set()
        assert waited[0] >= 0.2  # it began only once the first had committed
        with store.read() as tx:
            assert InstanceStore(tx).get("slow") is not None
            assert InstanceStore(tx).get("second") is not None
    finally:
        store.close()
        other.close()


def test_many_threads_writing_at_once_all_commit(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "m.db")
    store = Store(create_database_engine(f"sqlite:///{tmp_path / 'm.db'}"))
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for k in range(25):
                with store.write() as tx:
                    InstanceStore(tx).insert(_instance(f"i{n}-{k}"))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        with store.read() as tx:
            assert tx.one("SELECT count(*) FROM instances") == (200,)
    finally:
        store.close()


def test_a_write_through_a_second_store_inside_a_write_is_refused_at_once(tmp_path: Path,
                                                                          sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "n.db")
    url = f"sqlite:///{tmp_path / 'n.db'}"
    store, other = Store(create_database_engine(url)), Store(create_database_engine(url))
    try:
        with store.write() as tx:
            InstanceStore(tx).insert(_instance("outer"))
            # refused at once, not after waiting for itself (the lock, then SQLite's busy timeout)
            with pytest.raises(StoreError, match="do not nest"), other.write():
                pass
        with other.read() as tx:
            assert InstanceStore(tx).get("outer") is not None  # the outer write committed
    finally:
        store.close()
        other.close()
