"""A store's transactions are all or nothing: what a transaction wrote before it failed is rolled back, a first
statement that fails leaves nothing and the store usable, and a read sees what the last write committed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from storage.database import create_database_engine
from storage.instances import InstanceRecord, InstanceStore
from storage.transaction import Store


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    built = create_database_engine(database_url)
    yield built
    built.dispose()


def _instance(instance_id: str) -> InstanceRecord:
    return InstanceRecord(instance_id, "flow", 1, "", "default", "a", "running", {}, None, None, 0, None, None, 1.0,
                          1.0)


def _stored(engine: sa.Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(sa.text("SELECT id FROM instances ORDER BY id")).scalars())


def _insert(store: Store, *ids: str, then_fail: bool = False) -> None:
    with store.write() as tx:
        for instance_id in ids:  # each sent at once (not deferred), the first one the transaction's first statement
            InstanceStore(tx).insert(_instance(instance_id))
        if then_fail:
            raise RuntimeError("the work failed after its writes")


def test_what_a_failed_transaction_wrote_first_is_rolled_back(engine: sa.Engine) -> None:
    with pytest.raises(RuntimeError):
        _insert(Store(engine), "first", "second", then_fail=True)
    assert _stored(engine) == []


def test_a_first_statement_that_fails_leaves_nothing_and_the_store_goes_on(engine: sa.Engine) -> None:
    store = Store(engine)
    _insert(store, "taken")
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        _insert(store, "taken")  # the first statement fails: the id is taken
    _insert(store, "next")
    with store.read() as tx:
        assert InstanceStore(tx).get("next") is not None
    assert _stored(engine) == ["next", "taken"]


def test_a_read_sees_what_the_last_write_committed(engine: sa.Engine) -> None:
    store = Store(engine)
    with store.read() as tx:
        assert InstanceStore(tx).get("later") is None
    _insert(store, "later")
    with store.read() as tx:
        assert InstanceStore(tx).get("later") is not None


def test_a_burst_of_concurrent_callers_reuses_its_connections_from_one_transaction_to_the_next(
        engine: sa.Engine) -> None:
    """Twenty-four threads reading together, round after round, through a store that keeps eight connections
    always (and a pool that keeps eight more): the sixteen beyond stay idle between rounds (each new one costs a
    PostgreSQL backend), and go back to the pool once unused for `idle_s`."""
    opened: list[object] = []
    sa.event.listen(engine, "connect", lambda connection, _record: opened.append(connection))
    store = Store(engine, keep_idle=8, idle_s=60.0)
    threads, rounds = 24, 6
    together = threading.Barrier(threads)

    def caller() -> None:
        for _ in range(rounds):
            with store.read() as tx:
                together.wait(timeout=30)  # all of them hold a connection at once
                InstanceStore(tx).get("none")
            together.wait(timeout=30)  # and all have given it back before the next round

    with ThreadPoolExecutor(threads) as pool:
        for done in [pool.submit(caller) for _ in range(threads)]:
            done.result()
    assert len(opened) == threads
    assert engine.pool.checkedout() == threads  # type: ignore[attr-defined] - QueuePool's
    store.idle_s = 0.0  # the ones beyond eight now count as unused for long enough
    with store.read() as tx:
        InstanceStore(tx).get("none")
    assert engine.pool.checkedout() == 8  # type: ignore[attr-defined] - what is kept once the burst is over
    store.close()
