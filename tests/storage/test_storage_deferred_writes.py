"""Deferred writes (group commit): sent together before COMMIT, never observably later than written.

A statement that touches a table with deferred rows sees them; a guarded write whose row changed fails the
whole transaction (nothing of it is kept); a batch of them goes out as one statement per kind of write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from storage.codec import dump
from storage.database import create_database_engine
from storage.errors import GuardFailed
from storage.history import HistoryRecord, HistoryRow, HistoryStore
from storage.instances import InstanceRecord, InstanceStore
from storage.jobs import JobStore
from storage.statuses import JobStatus
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


def _move(tx: Transaction, instance_id: str, expected: int, state: str, *, status: str = "running",
          stored_status: str | None = None) -> None:
    """A deferred update: it is checked when the transaction's writes are sent, so there is nothing to return."""
    InstanceStore(tx).update(instance_id, expected, state=state, status=status, context={"n": expected + 1},
                                    result=None, error=None, version=expected + 1, updated_at=2.0,
                                    stored_status=stored_status, defer=True)


def _write(store: Store, work: Callable[[Transaction], object]) -> None:
    with store.write() as tx:
        work(tx)


def test_a_deferred_write_is_seen_by_the_next_statement_on_its_table(store: Store) -> None:
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("i1"))
    with store.write() as tx:
        _move(tx, "i1", 0, "b")
        TimerStore(tx).arm(instance_id="i1", seq=1, fire="done", due_at=50.0)
        assert InstanceStore(tx).get("i1") == InstanceRecord(
            "i1", "flow", 1, "", "default", "b", "running", {"n": 1}, None, None, 1, None, None, 1.0, 2.0)
        assert [t.due_at for t in TimerStore(tx).for_instance("i1")] == [50.0]


def test_a_guarded_write_whose_row_changed_fails_the_whole_transaction(store: Store) -> None:
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("i1"))
        InstanceStore(tx).insert(_instance("i2"))

    def moves(tx: Transaction) -> None:
        _move(tx, "i1", 0, "b")
        _move(tx, "i2", 7, "b")  # not at version 7: refused when the writes are sent
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
            _move(tx, f"i{n}", 0, "b")
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


def test_an_instance_moved_on_twice_in_one_transaction_is_written_once_guarded_by_the_first_version(
        store: Store) -> None:
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("i1"))
        InstanceStore(tx).insert(_instance("i2"))
    with store.write() as tx:
        for expected, state in ((0, "b"), (1, "c"), (2, "d")):
            _move(tx, "i1", expected, state)
        waiting = tx.waiting(("instance", "i1"))
        assert waiting is not None
        assert waiting[1][:2] == (0, 3)  # one write, from version 0 to 3
    with store.read() as tx:
        found = InstanceStore(tx).get("i1")
        assert found is not None
        assert (found.state, found.version, found.context) == ("d", 3, {"n": 3})

    def stale(tx: Transaction) -> None:  # i2 is at version 0: the merged write still checks the first version
        _move(tx, "i2", 5, "b")
        _move(tx, "i2", 6, "c")

    with pytest.raises(GuardFailed):
        _write(store, stale)
    with store.read() as tx:
        assert InstanceStore(tx).get("i2").version == 0  # type: ignore[union-attr]


@pytest.mark.parametrize("statuses", [("running", "running", "succeeded"), ("waiting", "running", "running"),
                                      ("running", "waiting", "failed")])
def test_an_instance_moved_on_in_one_transaction_ends_with_the_last_status_whether_each_move_kept_it_or_not(
        store: Store, statuses: tuple[str, str, str]) -> None:
    """The update leaves the status out when it stays as stored; a later move in the same transaction that
    changes it (or changes it back) replaces the first write, of the other statement, all the same."""
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("i1"))
        InstanceStore(tx).insert(_instance("i2"))
    with store.write() as tx:
        for expected, (state, status) in enumerate(zip("bcd", statuses, strict=True)):
            _move(tx, "i1", expected, state, status=status, stored_status="running")
        _move(tx, "i2", 0, "b", stored_status="running")  # beside it, another instance's write is sent
    with store.read() as tx:
        found, other = InstanceStore(tx).get("i1"), InstanceStore(tx).get("i2")
        assert found is not None
        assert other is not None
        assert (found.state, found.status, found.version, found.context) == ("d", statuses[-1], 3, {"n": 3})
        assert (other.state, other.status, other.version) == ("b", "running", 1)

    def stale(tx: Transaction) -> None:  # i1 is at version 3: both forms of the write still check the first version
        _move(tx, "i1", 1, "e", stored_status=statuses[-1])
        _move(tx, "i1", 2, "f", status="failed", stored_status=statuses[-1])

    with pytest.raises(GuardFailed):
        _write(store, stale)
    with store.read() as tx:
        assert InstanceStore(tx).get("i1").version == 3  # type: ignore[union-attr]


def test_a_job_taken_before_it_was_sent_is_written_once_as_it_ended_or_not_at_all_when_done(store: Store) -> None:
    keys = ("i1:1", "i2:1", "i3:1", "i4:1")
    with store.write() as tx:
        jobs = JobStore(tx)
        for key in keys:
            jobs.enqueue(kind="action", key=key, payload={"action": "a"}, due_at=1, now=1, instance_id=key[:2],
                         defer=True)
        taken = jobs.take_unsent([*keys, "i5:1"], owner="w", now=2, lease_s=30, wanted=lambda action: action == "a")
        assert [(j.idempotency_key, j.status, j.lease_owner, j.unsent) for j in taken] == [
            (key, "running", "w", True) for key in keys]
        jobs.settle_unsent(taken[0], status=JobStatus.DONE, now=3)
        jobs.settle_unsent(taken[1], status=JobStatus.READY, now=3, error={"kind": "timeout"}, attempt=2, due_at=9)
        jobs.settle_unsent(taken[3], status=JobStatus.FAILED, now=3, error={"kind": "validation"})
        # the third is left as enqueued: a job not settled is written ready, as any other
    with store.read() as tx:
        rows = {key: JobStore(tx).find(key) for key in keys}
    assert {key: j and (j.status, j.attempt, j.due_at, j.lease_owner, j.last_error) for key, j in rows.items()} == {
        "i1:1": None,  # done in the transaction that enqueued it: no row (its attempt and step are recorded)
        "i2:1": ("ready", 2, 9.0, None, {"kind": "timeout"}), "i3:1": ("ready", 1, 1.0, None, None),
        "i4:1": ("failed", 1, 1.0, None, {"kind": "validation"})}
    with store.write() as tx:  # written: nothing is taken from this transaction's own writes any more
        assert JobStore(tx).take_unsent(["i3:1"], owner="w", now=2, lease_s=30, wanted=lambda _: True) == []


def test_a_job_taken_before_it_was_sent_and_sent_meanwhile_still_ends_as_it_should(store: Store) -> None:
    with store.write() as tx:
        jobs = JobStore(tx)
        jobs.enqueue(kind="action", key="i1:1", payload={"action": "a"}, due_at=1, now=1, instance_id="i1",
                     defer=True)
        (taken,) = jobs.take_unsent(["i1:1"], owner="w", now=2, lease_s=30, wanted=lambda _: True)
        assert jobs.find("i1:1") is not None  # a read of the jobs table sends the waiting insert
        jobs.settle_unsent(taken, status=JobStatus.FAILED, now=3, error={"kind": "validation"})
    with store.read() as tx:
        found = JobStore(tx).find("i1:1")
    assert found is not None
    assert (found.status, found.attempt, found.last_error) == ("failed", 1, {"kind": "validation"})


def test_more_deferred_inserts_than_one_statement_holds_are_all_written_in_order_duplicates_skipped(
        store: Store) -> None:
    """On PostgreSQL an insert's deferred rows go several to a statement: every row must land, with what it said,
    in order, and a row whose key is taken must still be skipped, alone."""
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("i1"))
        JobStore(tx).enqueue(kind="action", key="k3", payload={"first": True}, due_at=1.0, now=1.0, instance_id="i1")
    steps = [HistoryRecord("i1", seq, None if seq == 1 else f"s{seq - 1}", f"s{seq}", "go", None, {"n": seq},
                           {"set": {"n": seq}}, "running", None, None, float(seq), 0.5, seq / 10)
             for seq in range(1, 301)]  # two statements and part of a third (2,000 parameters each, 14 a row)
    with store.write() as tx:
        HistoryStore(tx).append(steps)
        for n in range(450):  # 10 parameters a row
            JobStore(tx).enqueue(kind="action", key=f"k{n}", payload={"n": n}, due_at=2.0, now=2.0, instance_id="i1",
                                 defer=True)
    with store.read() as tx:
        assert HistoryStore(tx).for_instance("i1") == steps
        jobs = {job.idempotency_key: job.payload for job in JobStore(tx).for_instance("i1")}
    assert jobs == {f"k{n}": ({"first": True} if n == 3 else {"n": n}) for n in range(450)}


def test_history_rows_appended_encoded_read_back_as_the_records_append_writes(store: Store) -> None:
    """The decision writer appends its history rows with their JSON encoded already (a task's output once, for
    the payload and the context change alike): they must read back as the same rows given as records would."""
    output = {"email": "a@b.c", "score": 100, "tags": ["x", None], "ok": True}
    record = HistoryRecord("i1", 1, "extract", "score", "done", None, output, {"set": {"lead": output}},
                           "running", [{"transition": 0, "dest": "score", "guard": None, "value": True}], None, 2.0,
                           0.25, None)
    encoded = dump(output)
    row: HistoryRow = ("i1", 2, "extract", "score", "done", None, encoded, f'{{"set":{{"lead":{encoded}}}}}',
                       "running", dump(record.guards), None, 2.0, 0.25, None)
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("i1"))
        HistoryStore(tx).append([record])
        HistoryStore(tx).append_rows([row])
    with store.read() as tx:
        first, second = HistoryStore(tx).for_instance("i1")
    assert first == record
    assert second == replace(record, seq=2)
