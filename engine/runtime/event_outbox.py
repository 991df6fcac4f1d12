"""Publishing an event inside a transaction: the event row and its delivery job, written together, so an event
is delivered exactly when the transaction that published it commits."""

from __future__ import annotations

from typing import Any

from engine.runtime.job_payloads import DeliverPayload, JobKind
from engine.runtime.kept_events import kept_until
from storage.events import EventStore
from storage.jobs import JobStore
from storage.transaction import Transaction

__all__ = ["publish_in"]


def publish_in(tx: Transaction, *, tenant: str, event_type: str, payload: Any, correlation_key: str | None,
               idempotency_key: str | None, now: float, actor: str | None = None,
               keep_for: float | None = None) -> int | None:
    """Store the event and its delivery job; None when its idempotency key was published before. `actor`, who
    published it, is recorded on the event and on the transitions its delivery makes. An event with a correlation
    key is kept `keep_for` seconds (an hour unless told) for a wait that arms later (`engine.runtime.kept_events`)."""
    event_id = EventStore(tx).insert(tenant=tenant, event_type=event_type, correlation_key=correlation_key,
                                     payload=payload, idempotency_key=idempotency_key, at=now, published_by=actor,
                                     kept_until=kept_until(correlation_key, keep_for, now))
    if event_id is not None:
        delivery: DeliverPayload = {"event_id": event_id}
        JobStore(tx).enqueue(kind=JobKind.DELIVER, key=f"event:{event_id}", payload=delivery, due_at=now,
                             now=now, instance_id=None)
    return event_id
