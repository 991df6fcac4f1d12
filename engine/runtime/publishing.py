"""`publish`: store the event with its delivery job, then deliver it straight away in the caller's thread. An
idempotency key sent again with the same event answers the first as a duplicate; with another event it is refused,
as start and send refuse a key reused for another request."""

from __future__ import annotations

from typing import Any

from engine.errors import InvalidInput
from engine.runtime.core import Runtime
from engine.runtime.events import deliver_event, publish_in
from engine.runtime.views import PublishResult
from storage.codec import dump, load
from storage.events import EventStore
from storage.jobs import JobStore
from storage.statuses import JobStatus
from storage.transaction import Transaction

__all__ = ["publish_event"]


def publish_event(rt: Runtime, owner: str, event_type: str, payload: Any, *, correlation_key: str | None,
                  tenant: str, idempotency_key: str | None, actor: str | None = None,
                  keep_for: float | None = None) -> PublishResult:
    def store(tx: Transaction) -> tuple[int, bool]:
        now = rt.clock.now()
        event_id = publish_in(tx, tenant=tenant, event_type=event_type, payload=payload,
                              correlation_key=correlation_key, idempotency_key=idempotency_key, now=now,
                              actor=actor, keep_for=keep_for)
        if event_id is not None:
            return event_id, False
        assert idempotency_key is not None
        existing = EventStore(tx).find(tenant, idempotency_key)
        assert existing is not None
        asked = (event_type, load(dump(payload)), correlation_key, actor)
        if (existing.event_type, existing.payload, existing.correlation_key, existing.published_by) != asked:
            raise InvalidInput(f"the idempotency key '{idempotency_key}' was used before for another event (its type, "
                               "payload, correlation key or publisher differ): use a new key for this one")
        return existing.id, True

    event_id, duplicate = rt.write(store)
    if duplicate:
        return _result(rt, event_id, duplicate=True)
    key = f"event:{event_id}"

    def claim(tx: Transaction) -> int | None:
        jobs = JobStore(tx)
        job = jobs.find(key)
        if job is None:
            return None
        claimed = jobs.claim_one(job.id, owner=owner, now=rt.clock.now(), lease_s=rt.lease_s)
        return None if claimed is None else claimed.id

    job_id = rt.write(claim)
    if job_id is None:  # a worker took the delivery already
        return _result(rt, event_id, duplicate=False)
    delivery = deliver_event(rt, event_id)
    rt.write(lambda tx: JobStore(tx).finish(job_id, owner=owner, status=JobStatus.DONE, now=rt.clock.now()))
    if delivery.started or delivery.delivered or delivery.refused:
        return PublishResult(event_id, False, delivery.started, delivery.delivered, refused=delivery.refused)
    return _unmatched_or_kept(rt, event_id, event_type)


def _unmatched_or_kept(rt: Runtime, event_id: int, event_type: str) -> PublishResult:
    """An event that reached nothing: kept for a later wait (with a correlation key), and unmatched unless it is
    kept and some deployed workflow waits for its type — a type none names (a typo) can reach no instance."""
    event, named = rt.read(lambda tx: (EventStore(tx).get(event_id), rt.writer.lifecycle.named(tx)))
    kept = None if event is None else event.kept_until
    return PublishResult(event_id, False, [], [], unmatched=kept is None or event_type not in named,
                         kept_until=kept, listened=event_type in named)


def _result(rt: Runtime, event_id: int, *, duplicate: bool) -> PublishResult:
    event, deliveries = rt.read(lambda tx: (EventStore(tx).get(event_id), EventStore(tx).deliveries(event_id)))
    return PublishResult(event_id, duplicate, [i for i, k in deliveries if k == "started"],
                         [i for i, k in deliveries if k == "delivered"],
                         kept_until=None if event is None else event.kept_until)
