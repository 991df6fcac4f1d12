"""Published events, instances waiting for an event, and deliveries (what each event did to whom)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storage.codec import dump, load
from storage.transaction import Row, Transaction

__all__ = ["EventRecord", "EventStore", "EventWaitRecord"]

_EVENT_COLUMNS = ("id, tenant, event_type, correlation_key, payload, idempotency_key, published_at, published_by, "
                  "kept_until")
_WAIT_COLUMNS = "id, instance_id, seq, tenant, event_type, correlation_key, status"


@dataclass(frozen=True, slots=True)
class EventRecord:
    id: int
    tenant: str
    event_type: str
    correlation_key: str | None
    payload: Any
    idempotency_key: str | None
    published_at: float
    published_by: str | None = None  # the actor who published it; None for the engine's own events
    kept_until: float | None = None  # until when a wait that arms later may take it (None: taken, or never kept)


@dataclass(frozen=True, slots=True)
class EventWaitRecord:
    id: int
    instance_id: str
    seq: int
    tenant: str
    event_type: str
    correlation_key: str | None
    status: str


def _event(row: Row) -> EventRecord:
    return EventRecord(int(row[0]), row[1], row[2], row[3], load(row[4]), row[5], float(row[6]), row[7],
                       None if row[8] is None else float(row[8]))


def _wait(row: Row) -> EventWaitRecord:
    return EventWaitRecord(int(row[0]), row[1], int(row[2]), row[3], row[4], row[5], row[6])


class EventStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def insert(
        self, *, tenant: str, event_type: str, correlation_key: str | None, payload: Any,
        idempotency_key: str | None, at: float, published_by: str | None = None, kept_until: float | None = None,
    ) -> int | None:
        """Store an event; None when (tenant, idempotency_key) was stored before. `kept_until`: until when a wait
        that arms later with its correlation key may take it."""
        value = self.tx.scalar(
            "INSERT INTO events (tenant, event_type, correlation_key, payload, idempotency_key, published_at, "
            "published_by, kept_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (tenant, idempotency_key) DO NOTHING RETURNING id",
            (tenant, event_type, correlation_key, dump(payload), idempotency_key, at, published_by, kept_until),
        )
        return None if value is None else int(value)

    def kept_for(self, *, tenant: str, event_type: str, correlation_key: str, now: float) -> int | None:
        """The earliest event of this type and key still kept for a wait (published before the wait armed, taken by
        no wait, its time not up), or None."""
        value = self.tx.scalar(
            "SELECT id FROM events WHERE tenant = ? AND event_type = ? AND correlation_key = ? AND kept_until >= ? "
            "ORDER BY id LIMIT 1",
            (tenant, event_type, correlation_key, now),
        )
        return None if value is None else int(value)

    def take(self, event_id: int) -> bool:
        """A wait took the event: no later wait may. False when one took it before (or it was never kept)."""
        return self.tx.execute(
            "UPDATE events SET kept_until = NULL WHERE id = ? AND kept_until IS NOT NULL", (event_id,)) == 1

    def get(self, event_id: int) -> EventRecord | None:
        row = self.tx.one(f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?", (event_id,))  # noqa: S608
        return None if row is None else _event(row)

    def find(self, tenant: str, idempotency_key: str) -> EventRecord | None:
        row = self.tx.one(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE tenant = ? AND idempotency_key = ?", (tenant, idempotency_key)  # noqa: S608
        )
        return None if row is None else _event(row)

    def recent(
        self, *, tenant: str | None = None, event_type: str | None = None, limit: int = 100
    ) -> list[EventRecord]:
        clauses: list[str] = []
        params: list[Any] = []
        if tenant is not None:
            clauses.append("tenant = ?")
            params.append(tenant)
        if event_type is not None:
            clauses.append("event_type = ?")
            params.append(event_type)
        condition = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.tx.all(f"SELECT {_EVENT_COLUMNS} FROM events{condition} ORDER BY id DESC LIMIT ?", [*params, limit])  # noqa: S608
        return [_event(r) for r in rows]

    def await_event(
        self, *, instance_id: str, seq: int, tenant: str, event_type: str, correlation_key: str | None
    ) -> None:
        """Wait for an event (sent with the transaction's deferred writes)."""
        self.tx.defer(
            "INSERT INTO event_waits (instance_id, seq, tenant, event_type, correlation_key, status) "
            "VALUES (?, ?, ?, ?, ?, 'waiting')",
            (instance_id, seq, tenant, event_type, correlation_key),
        )

    def rearm(
        self, *, instance_id: str, seq: int, tenant: str, event_type: str, correlation_key: str | None
    ) -> None:
        """Point the instance's open wait at the event of the state it enters (transition `seq`): one UPDATE
        where closing that row and opening the next would take two, and no change to the matching index while
        the event type stays the same. Opens a wait if none is open."""
        if self.tx.execute(
            "UPDATE event_waits SET seq = ?, correlation_key = ? "
            "WHERE instance_id = ? AND status = 'waiting' AND event_type = ?",
            (seq, correlation_key, instance_id, event_type),
        ):
            return
        if self.tx.execute(
            "UPDATE event_waits SET seq = ?, event_type = ?, correlation_key = ? "
            "WHERE instance_id = ? AND status = 'waiting'",
            (seq, event_type, correlation_key, instance_id),
        ):
            return
        self.await_event(instance_id=instance_id, seq=seq, tenant=tenant, event_type=event_type,
                         correlation_key=correlation_key)

    def waiting(self, *, tenant: str, event_type: str, correlation_key: str | None) -> list[EventWaitRecord]:
        """Waits matching the event: same type and tenant; a wait with a key only matches an equal key."""
        rows = self.tx.all(
            f"SELECT {_WAIT_COLUMNS} FROM event_waits WHERE tenant = ? AND event_type = ? AND status = 'waiting' "  # noqa: S608
            "AND (correlation_key IS NULL OR correlation_key = ?) ORDER BY id",
            (tenant, event_type, correlation_key),
        )
        return [_wait(r) for r in rows]

    def claim_wait(self, wait: EventWaitRecord) -> bool:
        """Mark the wait delivered, if it still waits for the transition it was read at (a re-armed wait
        keeps its row but moves to the next transition's `seq`)."""
        return self.tx.execute(
            "UPDATE event_waits SET status = 'delivered' WHERE id = ? AND seq = ? AND status = 'waiting'",
            (wait.id, wait.seq),
        ) == 1

    def cancel_waits(self, instance_id: str) -> int:
        return self.tx.execute(
            "UPDATE event_waits SET status = 'cancelled' WHERE instance_id = ? AND status = 'waiting'", (instance_id,)
        )

    def waits_for_instance(self, instance_id: str) -> list[EventWaitRecord]:
        rows = self.tx.all(f"SELECT {_WAIT_COLUMNS} FROM event_waits WHERE instance_id = ? ORDER BY id", (instance_id,))  # noqa: S608
        return [_wait(r) for r in rows]

    def waits_for_instances(self, instance_ids: Sequence[str]) -> list[EventWaitRecord]:
        """`waits_for_instance` of several instances in one statement, each one's in id order."""
        rows = self.tx.all_in(f"SELECT {_WAIT_COLUMNS} FROM event_waits", "instance_id", instance_ids,  # noqa: S608
                              order="instance_id, id")
        return [_wait(r) for r in rows]

    def record_delivery(self, *, event_id: int, instance_id: str, kind: str, at: float) -> bool:
        """Note that the event started or reached an instance; False if that was noted before."""
        changed = self.tx.execute(
            "INSERT INTO event_deliveries (event_id, instance_id, kind, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (event_id, instance_id) DO NOTHING",
            (event_id, instance_id, kind, at),
        )
        return changed == 1

    def deliveries(self, event_id: int) -> list[tuple[str, str]]:
        rows = self.tx.all(
            "SELECT instance_id, kind FROM event_deliveries WHERE event_id = ? ORDER BY at, instance_id", (event_id,)
        )
        return [(r[0], r[1]) for r in rows]
