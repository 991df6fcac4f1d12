"""Deferred writes (group commit): sent together before COMMIT, never observably later than written.

A statement that touches a table with deferred rows sees them; a guarded write whose row changed fails the
whole transaction (nothing of it is kept); a batch of them goes out as one statement per kind of write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from storage.database import create_database_engine
from storage.errors import GuardFailed
from storage.instances import InstanceRecord, InstanceStore
from storage.jobs import JobStore
from storage.timers import TimerStore
from storage.transaction import Store, Transaction


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    built = Store(create_database_engine(database_url))
    yield built
    built.close()


def _instance(instance_id: str) -> InstanceRecord:
    return InstanceRecord(instance_id, "flow", 1, "", "default", "a", "running", {"n": 0}, None, None, 0, None, None,
                          1.0, 1.0)


def _move(tx: Transaction, instance_id: str, expected: int, state: str) -> bool:
    return InstanceStore(tx).update(instance_id, expected, state=state, status="running", context={"n": expected + 1},
                                    result=None, error=None, version=expected + 1, updated_at=2.0, defer=True)


def _write(store: Store, work: Callable[[Transaction], object]) -> None:
    with store.write() as tx:
        work(tx)


def test_a_deferred_write_is_seen_by_the_next_statement_on_its_table(store: Store) -> None:
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("i1"))
    with store.write() as tx:
        assert _move(tx, "i1", 0, "b")
        TimerStore(tx).arm(instance_id="i1", seq=1, fire="done", due_at=50.0)
        assert InstanceStore(tx).get("i1") == InstanceRecord(
            "i1", "flow", 1, "", "default", "b", "running", {"n": 1}, None, None, 1, None, None, 1.0, 2.0)
        assert [t.due_at for t in TimerStore(tx).for_instance("i1")] == [50.0]


def test_a_guarded_write_whose_row_changed_fails_the_whole_transaction(store: Store) -> None:
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("i1"))
        InstanceStore(tx).insert(_instance("i2"))

    def moves(tx: Transaction) -> None:
        assert _move(tx, "i1", 0, "b")
        assert _move(tx, "i2", 7, "b")  # not at version 7: refused when the writes are sent
        JobStore(tx).enqueue(kind="action", key="i1:1", payload={}, due_at=1, now=1, instance_id="i1", defer=True)

    with pytest.raises(GuardFailed):
        _write(store, moves)
    with store.read() as tx:
        assert [InstanceStore(tx).get(i).version for i in ("i1", "i2")] == [0, 0]  # type: ignore[union-attr]
        assert JobStore(tx).find("i1:1") is None


def test_a_batch_of_deferred_writes_commits_together(store: Store) -> None:
    with store.write() as tx:
        for n in range(40):
            InstanceStore(tx).insert(_instance(f"i{n}"))
    with store.write() as tx:
        for n in range(40):
            assert _move(tx, f"i{n}", 0, "b")
            JobStore(tx).enqueue(kind="action", key=f"i{n}:1", payload={"n": n}, due_at=1, now=1,
                                 instance_id=f"i{n}", defer=True)
        JobStore(tx).enqueue(kind="action", key="i0:1", payload={"again": True}, due_at=1, now=1, instance_id="i0",
                             defer=True)  # a duplicate key is skipped, as when written at once
    with store.read() as tx:
        assert {InstanceStore(tx).get(f"i{n}").state for n in range(40)} == {"b"}  # type: ignore[union-attr]
        assert [len(JobStore(tx).for_instance(f"i{n}")) for n in range(40)] == [1] * 40
        assert JobStore(tx).find("i0:1").payload == {"n": 0}  # type: ignore[union-attr]


def test_a_lost_lease_fails_a_deferred_finish(store: Store) -> None:
    with store.write() as tx:
        JobStore(tx).enqueue(kind="action", key="k", payload={}, due_at=1, now=1, instance_id="i")
        (job,) = JobStore(tx).claim(owner="a", now=1, lease_s=30, limit=1)
    with store.write() as tx:
        assert JobStore(tx).claim(owner="b", now=40, lease_s=30, limit=1)[0].id == job.id  # a's lease lapsed
    with pytest.raises(GuardFailed):
        _write(store, lambda tx: JobStore(tx).finish(job.id, owner="a", status="done", now=41, defer=True))
    with store.read() as tx:
        assert JobStore(tx).get(job.id).lease_owner == "b"  # type: ignore[union-attr]
