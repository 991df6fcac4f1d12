"""What the database does to break a conflict reaches the engine as a conflict to retry, not as an outage:
two PostgreSQL transactions locking two rows in opposite orders deadlock, the database aborts one, and the
store raises `TransientConflict` for it (the engine's `Runtime.write` runs it again)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from storage.database import create_database_engine
from storage.errors import TransientConflict
from storage.instances import InstanceRecord, InstanceStore
from storage.transaction import Store, Transaction

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(postgres_url: str) -> Iterator[Store]:
    built = Store(create_database_engine(postgres_url))
    with built.write() as tx:
        tx.execute("DELETE FROM instances", ())
        for name in ("a", "b"):
            InstanceStore(tx).insert(InstanceRecord(name, "flow", 1, "", "default", "s", "running", {}, None, None,
                                                    0, None, None, 1.0, 1.0))
    yield built
    built.close()


def test_a_deadlock_is_a_transient_conflict(store: Store) -> None:
    both_hold_one = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def lock_in_order(first: str, second: str) -> None:
        def work(tx: Transaction) -> None:
            InstanceStore(tx).get_for_update(first)
            both_hold_one.wait()
            InstanceStore(tx).get_for_update(second)

        try:
            with store.write() as tx:
                work(tx)
            outcomes[first] = "committed"
        except TransientConflict:
            outcomes[first] = "conflict"
        except Exception as exc:  # noqa: BLE001 - any other ending is what the test reports
            outcomes[first] = repr(exc)

    threads = [threading.Thread(target=lock_in_order, args=pair) for pair in (("a", "b"), ("b", "a"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["committed", "conflict"], outcomes
