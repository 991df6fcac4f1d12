"""Jobs and timers at the storage level: leases, lapsed leases, skip-locked claiming, firing once."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from storage.database import create_database_engine
from storage.jobs import JobStore
from storage.timers import TimerStore
from storage.transaction import Store


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    built = Store(create_database_engine(database_url))
    yield built
    built.close()


def _enqueue(store: Store, count: int, now: float = 100.0) -> None:
    with store.write() as tx:
        for n in range(count):
            JobStore(tx).enqueue(kind="action", key=f"i:{n}", payload={"n": n}, due_at=now, now=now,
                                 instance_id=f"i{n}")


def test_a_job_key_is_enqueued_once(store: Store) -> None:
    with store.write() as tx:
        assert JobStore(tx).enqueue(kind="action", key="k", payload={}, due_at=1, now=1, instance_id="i")
        assert not JobStore(tx).enqueue(kind="action", key="k", payload={"other": 1}, due_at=1, now=1,
                                        instance_id="i")


def test_a_claimed_job_is_leased_until_its_lease_lapses(store: Store) -> None:
    _enqueue(store, 1)
    with store.write() as tx:
        (job,) = JobStore(tx).claim(owner="a", now=100, lease_s=30, limit=10)
        assert (job.status, job.lease_owner, job.lease_expires) == ("running", "a", 130)
    with store.write() as tx:
        assert JobStore(tx).claim(owner="b", now=129, lease_s=30, limit=10) == []
        (again,) = JobStore(tx).claim(owner="b", now=130, lease_s=30, limit=10)
        assert again.id == job.id
        assert again.idempotency_key == job.idempotency_key
        assert again.lease_owner == "b"
        assert (job.attempt, job.reclaimed, again.attempt, again.reclaimed) == (1, False, 2, True)  # a lost attempt
    with store.write() as tx:
        assert not JobStore(tx).finish(job.id, owner="a", status="done", now=131)  # lost its lease
        assert JobStore(tx).finish(job.id, owner="b", status="done", now=131)
        assert JobStore(tx).claim(owner="c", now=10_000, lease_s=30, limit=10) == []


def test_a_heartbeat_renews_only_the_holders_running_leases(store: Store) -> None:
    _enqueue(store, 3)
    with store.write() as tx:
        held = JobStore(tx).claim(owner="a", now=100, lease_s=6, limit=2)
        (other,) = JobStore(tx).claim(owner="b", now=100, lease_s=6, limit=1)
        assert JobStore(tx).finish(held[1].id, owner="a", status="done", now=101)
        ids = [j.id for j in (*held, other)]
        assert JobStore(tx).renew_leases(ids, owner="a", until=110) == 1  # not b's, not the finished one
        assert JobStore(tx).renew_leases([], owner="a", until=110) == 0
    with store.write() as tx:
        assert [j.id for j in JobStore(tx).claim(owner="c", now=107, lease_s=6, limit=10)] == [other.id]
        assert JobStore(tx).get(held[0].id).lease_expires == 110


def test_a_job_due_later_is_not_claimed_early(store: Store) -> None:
    _enqueue(store, 1, now=100)
    with store.write() as tx:
        (job,) = JobStore(tx).claim(owner="a", now=100, lease_s=30, limit=1)
        assert JobStore(tx).retry_later(job.id, owner="a", attempt=2, due_at=160, error={"kind": "x"}, now=100)
    with store.write() as tx:
        assert JobStore(tx).claim(owner="a", now=159, lease_s=30, limit=1) == []
        (retried,) = JobStore(tx).claim(owner="a", now=160, lease_s=30, limit=1)
        assert retried.attempt == 2
        assert retried.last_error == {"kind": "x"}


def test_concurrent_workers_claim_disjoint_jobs(store: Store) -> None:
    _enqueue(store, 60)
    claimed: dict[str, list[int]] = {}
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        barrier.wait()
        mine: list[int] = []
        while True:
            with store.write() as tx:
                batch = JobStore(tx).claim(owner=name, now=100, lease_s=30, limit=4)
            if not batch:
                break
            mine += [j.id for j in batch]
        claimed[name] = mine

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [job for jobs in claimed.values() for job in jobs]
    assert len(every) == 60
    assert len(set(every)) == 60


def test_a_due_timer_fires_once_however_many_try(store: Store) -> None:
    with store.write() as tx:
        TimerStore(tx).arm(instance_id="i", seq=1, fire="timeout", due_at=50)
        TimerStore(tx).arm(instance_id="i", seq=1, fire="done", due_at=500)
    fired: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def contender() -> None:
        barrier.wait()
        with store.write() as tx:
            timers = TimerStore(tx)
            timer = timers.next_claimable(100)
            if timer is not None and timers.claim(timer.id):
                with lock:
                    fired.append(timer.id)

    threads = [threading.Thread(target=contender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fired) == 1
    with store.read() as tx:
        assert TimerStore(tx).next_due() == 500


def test_a_lapsed_job_is_claimed_alone_and_ready_ones_wait_for_it(store: Store) -> None:
    """A job whose lease lapsed may be what killed its worker: a claim takes one such job and nothing else, and a
    worker with jobs in hand (`lapsed=False`) takes none of them, nor any ready job while one waits — so a job that
    kills its worker again takes no other job's attempt with it. Once none waits, ready jobs are taken up to the
    limit, the earliest due first (on PostgreSQL both walks are one statement)."""
    _enqueue(store, 2, now=100)
    with store.write() as tx:
        first = JobStore(tx).claim(owner="dead", now=100, lease_s=30, limit=2)
        for n, due in ((2, 120.0), (3, 110.0), (4, 115.0)):
            JobStore(tx).enqueue(kind="action", key=f"i:{n}", payload={"n": n}, due_at=due, now=100,
                                 instance_id=f"i{n}")
    assert len(first) == 2
    for _ in first:
        with store.write() as tx:
            assert JobStore(tx).claim(owner="busy", now=130, lease_s=30, limit=3, lapsed=False) == []
        with store.write() as tx:
            taken = JobStore(tx).claim(owner="next", now=130, lease_s=30, limit=3)
        assert [(j.payload["n"] in (0, 1), j.reclaimed, j.attempt) for j in taken] == [(True, True, 2)]
    with store.write() as tx:
        assert [j.payload["n"] for j in JobStore(tx).claim(owner="busy", now=130, lease_s=30, limit=2,
                                                           lapsed=False)] == [3, 4]
    with store.write() as tx:
        assert [j.payload["n"] for j in JobStore(tx).claim(owner="next", now=130, lease_s=30, limit=5)] == [2]
