"""The workers table (migration 0017): a row per running worker, live while its `last_seen` is within its lease,
pruned once it is not; the migration adds it to a database of the revision before and goes both ways."""

from __future__ import annotations

import sqlalchemy as sa
from migration_support import downgrade

from storage.database import create_database_engine
from storage.schema import HEAD_REVISION, current_revision, ensure_schema
from storage.transaction import Store
from storage.workers import WorkerRecord, WorkerStore


def _worker(owner: str, *, last_seen: float, actions: tuple[str, ...] = ("b", "a")) -> WorkerRecord:
    return WorkerRecord(owner, "box", 42, 100.0, last_seen, 6.0, actions)


def test_a_worker_is_live_within_its_lease_and_pruned_after_it(database_url: str) -> None:
    store = Store(create_database_engine(database_url))
    try:
        with store.write() as tx:
            workers = WorkerStore(tx)
            workers.announce(_worker("w1", last_seen=1000.0))
            workers.announce(_worker("w2", last_seen=990.0, actions=()))
        with store.read() as tx:
            found = WorkerStore(tx).live(1005.0)
            assert [(w.owner, w.actions, w.last_seen) for w in found] == [("w1", ("a", "b"), 1000.0)]
            assert (found[0].host, found[0].pid, found[0].started_at, found[0].lease_s) == ("box", 42, 100.0, 6.0)
            assert [w.owner for w in WorkerStore(tx).live(996.0)] == ["w1", "w2"]  # w2 on its lease's last second
        with store.write() as tx:
            assert WorkerStore(tx).seen("w2", 1004.0)
            assert not WorkerStore(tx).seen("nobody", 1004.0)
        with store.read() as tx:
            assert [w.owner for w in WorkerStore(tx).live(1009.5)] == ["w2"]  # w1 not seen for 9.5 s: gone
        with store.write() as tx:
            assert WorkerStore(tx).prune(1009.5) == 1
            assert WorkerStore(tx).remove("w2")
            assert not WorkerStore(tx).remove("w2")
        with store.read() as tx:
            assert WorkerStore(tx).live(0.0) == []
    finally:
        store.close()


def test_announcing_again_replaces_the_row(database_url: str) -> None:
    store = Store(create_database_engine(database_url))
    try:
        with store.write() as tx:
            WorkerStore(tx).announce(_worker("w1", last_seen=10.0))
            WorkerStore(tx).announce(_worker("w1", last_seen=20.0, actions=("c",)))
        with store.read() as tx:
            assert [(w.owner, w.last_seen, w.actions) for w in WorkerStore(tx).live(20.0)] == [("w1", 20.0, ("c",))]
    finally:
        store.close()


def test_the_migration_adds_the_table_to_a_database_of_the_revision_before(database_url: str) -> None:
    downgrade(database_url, "0016")
    database = create_database_engine(database_url)
    try:
        assert current_revision(database) == "0016"
        assert "workers" not in sa.inspect(database).get_table_names()
        ensure_schema(database)
        assert current_revision(database) == HEAD_REVISION
        columns = {str(c["name"]) for c in sa.inspect(database).get_columns("workers")}
        assert columns == {"owner", "host", "pid", "started_at", "last_seen", "lease_s", "actions"}
    finally:
        database.dispose()
