"""What a transaction sends with its next statement (`later`, PostgreSQL's BEGIN), and a new instance's
deferred insert: nothing observable changes, only the waits for the server's answers.

On PostgreSQL the store's connections are in autocommit mode and a write transaction's BEGIN goes with its first
statement: if it went after (or not at all), the writes before a failure would be kept. The round trips a
transaction costs are counted from libpq's trace of the connection (one each time the client, having sent,
reads what the server answered).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from storage import transaction
from storage.database import create_database_engine
from storage.errors import ConnectionLost, GuardFailed
from storage.instances import InstanceRecord, InstanceStore
from storage.jobs import JobStore
from storage.timers import TimerStore
from storage.transaction import Store, Transaction


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    built = Store(create_database_engine(database_url))
    yield built
    built.close()


def _instance(instance_id: str, *, state: str = "a", version: int = 1) -> InstanceRecord:
    return InstanceRecord(instance_id, "flow", 1, "", "default", state, "running", {"n": version}, None, None, version,
                          None, None, 1.0, 1.0)


def _get(store: Store, instance_id: str) -> InstanceRecord | None:
    with store.read() as tx:
        return InstanceStore(tx).get(instance_id)


def test_a_statement_sent_later_answers_with_the_next_one(store: Store) -> None:
    with store.write() as tx:
        TimerStore(tx).arm(instance_id="i1", seq=1, fire="done", due_at=50.0)
    with store.write() as tx:
        due = TimerStore(tx).next_due_later()
        assert JobStore(tx).claim(owner="w", now=10, lease_s=30, limit=5) == []
        assert due() == 50.0
    with store.write() as tx:  # read before anything else was sent: it is sent then
        assert TimerStore(tx).next_due_later()() == 50.0


@pytest.fixture
def postgres_store(postgres_database_url: str) -> Iterator[Store]:
    built = Store(create_database_engine(postgres_database_url))
    yield built
    built.close()


@pytest.mark.postgres
def test_a_setting_sent_later_holds_for_its_transaction_only(postgres_store: Store) -> None:
    store = postgres_store
    with store.write() as tx:
        tx.later("SET LOCAL synchronous_commit = off")
        assert tx.scalar("SELECT current_setting('synchronous_commit')") == "off"
    with store.write() as tx:
        assert tx.scalar("SELECT current_setting('synchronous_commit')") == "on"


def test_a_new_instance_moved_on_in_its_own_transaction_is_inserted_once_as_it_ended(store: Store) -> None:
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("i1"), defer=True)
        assert tx.waiting(("instance", "i1")) is not None  # not sent yet
        InstanceStore(tx).update("i1", 1, state="b", status="running", context={"n": 2}, result=None, error=None,
                                 version=2, updated_at=2.0, defer=True)
        InstanceStore(tx).update("i1", 2, state="c", status="succeeded", context={"n": 3}, result={"ok": True},
                                 error=None, version=3, updated_at=3.0, defer=True)
    found = _get(store, "i1")
    assert found is not None
    assert (found.state, found.status, found.version, found.context, found.result, found.updated_at) == (
        "c", "succeeded", 3, {"n": 3}, {"ok": True}, 3.0)


def test_a_stale_move_of_an_instance_inserted_in_the_same_transaction_fails_it(store: Store) -> None:
    def stale(tx: Transaction) -> None:
        InstanceStore(tx).insert(_instance("i1"), defer=True)
        InstanceStore(tx).update("i1", 7, state="b", status="running", context={}, result=None, error=None,
                                 version=8, updated_at=2.0, defer=True)

    with pytest.raises(GuardFailed), store.write() as tx:
        stale(tx)
    assert _get(store, "i1") is None


def test_a_failing_transaction_of_deferred_writes_only_keeps_none_of_them(store: Store) -> None:
    """Its first statement is the flush itself: BEGIN must go before it, in the same pipeline."""
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("i1"))
    def writes(tx: Transaction) -> None:
        InstanceStore(tx).insert(_instance("i2"), defer=True)
        JobStore(tx).enqueue(kind="action", key="i2:1", payload={}, due_at=1, now=1, instance_id="i2", defer=True)
        InstanceStore(tx).update("i1", 5, state="b", status="running", context={}, result=None, error=None,
                                 version=6, updated_at=2.0, defer=True)  # i1 is at version 1

    with pytest.raises(GuardFailed), store.write() as tx:
        writes(tx)
    assert _get(store, "i2") is None
    with store.read() as tx:
        assert JobStore(tx).find("i2:1") is None


class RoundTrips:
    """The round trips of the store's one connection so far, counted from libpq's trace of it."""

    def __init__(self, store: Store, path: Path) -> None:
        with store.read() as tx:  # the connection the store keeps, now idle, is the one the next use
            tx.scalar("SELECT 1")
        (held,) = store._idle  # the connection to watch
        self.pgconn = held.driver.pgconn
        self.out = path.open("w")
        self.path = path
        self.pgconn.trace(self.out.fileno())

    def __call__(self) -> int:
        self.pgconn.untrace()  # flushes what libpq buffered
        turns, last = 0, None
        for line in self.path.read_text().splitlines():
            direction = line.split("\t")[1]
            turns += last == "F" and direction == "B"
            last = direction
        self.pgconn.trace(self.out.fileno())
        return turns

    def close(self) -> None:
        self.pgconn.untrace()
        self.out.close()


@pytest.fixture
def round_trips(postgres_store: Store, tmp_path: Path) -> Iterator[RoundTrips]:
    counter = RoundTrips(postgres_store, tmp_path / "trace.txt")
    yield counter
    counter.close()


@pytest.mark.postgres
def test_a_one_statement_write_costs_two_round_trips_and_a_read_one(postgres_store: Store,
                                                                      round_trips: RoundTrips) -> None:
    store = postgres_store
    with store.write() as tx:  # BEGIN with the insert, then COMMIT
        JobStore(tx).enqueue(kind="action", key="k", payload={}, due_at=1, now=1, instance_id="i")
    assert round_trips() == 2
    with store.read() as tx:
        assert JobStore(tx).find("k") is not None
    assert round_trips() == 3
    with store.write():  # nothing sent: nothing to begin or commit
        pass
    assert round_trips() == 3


@pytest.mark.postgres
def test_a_new_instance_with_its_first_writes_and_its_commit_cost_one_round_trip(postgres_store: Store,
                                                                                 round_trips: RoundTrips) -> None:
    store = postgres_store
    with store.write() as tx:  # all deferred, nothing to look at after: one pipeline (BEGIN, the inserts, COMMIT)
        InstanceStore(tx).insert(_instance("i1"), defer=True)
        JobStore(tx).enqueue(kind="action", key="i1:1", payload={}, due_at=1, now=1, instance_id="i1", defer=True)
    assert round_trips() == 1
    assert _get(store, "i1") is not None
    with store.write() as tx:  # a guarded write: its row count is looked at before the COMMIT is sent
        InstanceStore(tx).insert(_instance("i2"), defer=True)
        InstanceStore(tx).update("i1", 1, state="b", status="running", context={}, result=None, error=None,
                                 version=2, updated_at=2.0, defer=True)
    assert round_trips() == 4  # the read above, then the writes, then the COMMIT


@pytest.mark.postgres
def test_an_assumption_the_server_finds_false_fails_the_transaction_and_keeps_none_of_it(
        postgres_store: Store, round_trips: RoundTrips) -> None:
    store = postgres_store
    noticed: list[str] = []
    with store.write() as tx:
        JobStore(tx).enqueue(kind="action", key="held", payload={}, due_at=1, now=1, instance_id="x")
    assert round_trips() == 2

    def assuming_it_gone() -> None:
        with store.write() as tx:
            tx.assume("NOT EXISTS (SELECT 1 FROM jobs WHERE idempotency_key = ?)", ("held",),
                      "the job was assumed gone", if_not=lambda: noticed.append("told"))
            InstanceStore(tx).insert(_instance("i3"), defer=True)

    with pytest.raises(GuardFailed, match="the job was assumed gone"):
        assuming_it_gone()
    assert noticed == ["told"]
    assert _get(store, "i3") is None
    with store.write() as tx:  # one that holds: the writes and the COMMIT go with it
        tx.assume("NOT EXISTS (SELECT 1 FROM jobs WHERE idempotency_key = ?)", ("other",), "not this one")
        InstanceStore(tx).insert(_instance("i4"), defer=True)
    assert _get(store, "i4") is not None


@pytest.mark.postgres
def test_a_connection_that_broke_in_the_round_trip_of_its_commit_is_asked_about_on_a_new_one(
        postgres_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server dropped the connection before the pipeline reached it (its end of stream not seen yet when the
    COMMIT went with the writes): the witness finds nothing on a new connection, so the transaction was not
    committed and is reported as a lost connection, which callers run again."""
    store = postgres_store
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("before"), defer=True)
    monkeypatch.setattr(transaction, "_quiet", lambda _driver: True)  # as if the server's close had not arrived
    with store.read() as tx:
        backends = [row[0] for row in tx.all("SELECT pg_backend_pid()")]
    with psycopg.connect(store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", (backends,))
        alive = "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)"
        while admin.execute(alive, (backends,)).fetchone() != (0,):
            time.sleep(0.01)

    def insert_lost() -> None:
        with store.write() as tx:
            InstanceStore(tx).insert(_instance("lost"), defer=True)

    with pytest.raises(ConnectionLost):
        insert_lost()
    assert _get(store, "lost") is None
    with store.write() as tx:  # the store goes on, on a new connection
        InstanceStore(tx).insert(_instance("after"), defer=True)
    assert _get(store, "after") is not None


@pytest.mark.postgres
def test_a_claim_with_its_setting_and_look_at_the_timers_costs_two_round_trips(postgres_store: Store,
                                                                              round_trips: RoundTrips) -> None:
    store = postgres_store
    with store.write() as tx:  # the worker's claim of an empty queue: one pipeline, then COMMIT
        tx.later("SET LOCAL synchronous_commit = off")
        due = TimerStore(tx).next_due_later()
        assert JobStore(tx).claim(owner="w", now=10, lease_s=30, limit=32) == []
        assert due() is None
    assert round_trips() == 2


def test_a_check_before_commit_sees_the_writes_sent_and_its_failure_keeps_none_of_them(store: Store) -> None:
    """`check_before_commit`: a read sent with the writes, judged before COMMIT — a failed check rolls back."""
    seen: list[InstanceRecord | None] = []

    def stale(tx: Transaction) -> None:
        seen.append(InstanceStore(tx).get("i1"))  # the deferred insert was sent before the check
        raise GuardFailed("the value assumed changed")

    def insert_then_check() -> None:
        with store.write() as tx:
            InstanceStore(tx).insert(_instance("i1"))
            tx.check_before_commit(lambda: stale(tx))

    with pytest.raises(GuardFailed, match="assumed"):
        insert_then_check()
    assert len(seen) == 1
    assert seen[0] is not None
    assert seen[0].id == "i1"
    assert _get(store, "i1") is None
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("i1"))
        tx.check_before_commit(lambda: None)
    assert _get(store, "i1") is not None


@pytest.mark.postgres
def test_a_connection_that_broke_after_its_commit_was_made_counts_as_committed(
        postgres_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server made the COMMIT and then dropped the connection before its answer was read: the witness finds
    the new instance on a new connection, and the transaction is done (run again, it would start it twice)."""
    store = postgres_store
    execute = psycopg.Cursor.execute

    def then_dropped(cursor: psycopg.Cursor[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        found = execute(cursor, query, *args, **kwargs)
        if query == "COMMIT":  # the server ends this connection's backend right after committing
            execute(cursor, "SELECT pg_terminate_backend(pg_backend_pid())")
        return found

    monkeypatch.setattr(psycopg.Cursor, "execute", then_dropped)
    with store.write() as tx:
        InstanceStore(tx).insert(_instance("made"), defer=True)
    monkeypatch.undo()
    assert _get(store, "made") is not None
