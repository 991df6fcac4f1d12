"""Events: publishing (stored with its delivery job in one transaction, so none is lost across a restart)
and delivering — starting the workflows whose `starts_on` matches, resuming the instances that wait for it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from engine.definition import StartTrigger, Workflow
from engine.definition.expressions import ExpressionError
from engine.errors import InvalidInput
from engine.runtime.context_schema import check_context
from engine.runtime.core import Runtime
from engine.runtime.event_outbox import publish_in
from engine.runtime.snapshot import Event
from engine.runtime.step import still_at, take_step
from engine.runtime.variables import evaluate, evaluate_mapping
from storage.events import EventRecord, EventStore, EventWaitRecord
from storage.instances import InstanceStore
from storage.receipts import ReceiptRecord, ReceiptStore
from storage.transaction import Transaction

__all__ = ["Delivery", "deliver_event", "publish_in"]

log = logging.getLogger("statewright.events")


@dataclass
class Delivery:
    started: list[str] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # instance id -> why its wait did not take the event


def _start_context(workflow_id: str, trigger: StartTrigger, event: EventRecord) -> dict[str, Any] | None:
    scope = {"event": event.payload, "correlation_key": event.correlation_key, "tenant": event.tenant}
    try:
        if trigger.condition is not None and evaluate(trigger.condition, scope) is not True:
            return None
        return evaluate_mapping(trigger.context, scope) if trigger.context else dict(event.payload or {})
    except (ExpressionError, TypeError, ValueError) as exc:
        log.warning("event %s (%s) cannot start the workflow %s: %s", event.id, event.event_type, workflow_id, exc)
        return None


def _start(rt: Runtime, workflow: Workflow, event: EventRecord, context: dict[str, Any]) -> str | None:
    scope, key = f"event-start:{event.tenant}", f"{event.id}:{workflow.id}"

    def work(tx: Transaction) -> str | None:
        receipt = ReceiptStore(tx).get(scope, key)
        if receipt is not None:
            return receipt.instance_id
        compiled = rt.deployments.compiled(tx, workflow.id, workflow.version)
        try:
            check_context(compiled.workflow.context, context)
        except InvalidInput as exc:
            log.warning("event %s does not start %s: %s", event.id, workflow.id, exc.detail)
            return None
        now = rt.clock.now()
        instance = rt.writer.create(tx, compiled, context, tenant=event.tenant, now=now, actor=event.published_by)
        ReceiptStore(tx).put(ReceiptRecord(scope, key, instance.id, {"event_id": event.id}, now))
        EventStore(tx).record_delivery(event_id=event.id, instance_id=instance.id, kind="started", at=now)
        return instance.id

    return rt.write(work)


def _claim(events: EventStore, wait: EventWaitRecord) -> EventWaitRecord | None:
    """Claim the wait as read, or — when its row moved to a later transition meanwhile, still waiting for the same
    event and key (a migration carried it to the instance's new version) — as it is now; None when it no longer
    waits for this event."""
    if events.claim_wait(wait):
        return wait
    now = next((w for w in events.waits_for_instance(wait.instance_id) if w.id == wait.id), None)
    if (now is None or now.status != "waiting" or now.seq == wait.seq or now.event_type != wait.event_type
            or now.correlation_key != wait.correlation_key or not events.claim_wait(now)):
        return None
    return now


class _TakenBefore(Exception):
    """A kept event another wait took first: the transaction that would have delivered it is rolled back."""


def _resume(rt: Runtime, event: EventRecord, wait: EventWaitRecord, *, kept: bool = False) -> str | None:
    """Deliver the event to the wait. `kept`: an event kept for a later wait (`engine.runtime.kept_events`), which
    only the first wait to take it gets."""
    def work(tx: Transaction) -> str | None:
        events = EventStore(tx)
        claimed = _claim(events, wait)
        if claimed is None:
            return None
        instance = InstanceStore(tx).get_for_update(wait.instance_id)
        if instance is None or not still_at(instance, claimed.seq):
            return None
        if not events.take(event.id) and kept:
            raise _TakenBefore
        now = rt.clock.now()
        take_step(rt, tx, instance, Event("done", event.payload, event.published_by, system=True), now=now)
        events.record_delivery(event_id=event.id, instance_id=instance.id, kind="delivered", at=now)
        return instance.id

    try:
        return rt.write(work)
    except _TakenBefore:
        return None


def deliver_event(rt: Runtime, event_id: int, *, to_instance: str | None = None) -> Delivery:
    """Start and resume what the event reaches. Safe to run again: starts and resumptions happen once.
    `to_instance`: only that instance's wait, which armed after the event was published and found it kept."""
    delivery = Delivery()
    event = rt.read(lambda tx: EventStore(tx).get(event_id))
    if event is None:
        return delivery
    if to_instance is not None:
        return _deliver_kept(rt, event, to_instance, delivery)
    workflows = rt.read(rt.deployments.latest_workflows)
    for workflow, _ in workflows:
        for trigger in workflow.starts_on:
            if trigger.event != event.event_type:
                continue
            context = _start_context(workflow.id, trigger, event)
            if context is not None:
                started = _start(rt, workflow, event, context)
                if started is not None:
                    delivery.started.append(started)
                break
    waits = rt.read(lambda tx: EventStore(tx).waiting(tenant=event.tenant, event_type=event.event_type,
                                                      correlation_key=event.correlation_key))
    for wait in waits:
        try:
            resumed = _resume(rt, event, wait)
        except InvalidInput as exc:  # its payload does not fit where the wait stores it: the wait goes on waiting
            log.warning("event %s (%s) is not delivered to %s: %s", event.id, event.event_type, wait.instance_id,
                        exc.detail)
            delivery.refused[wait.instance_id] = exc.detail
            continue
        if resumed is not None:
            delivery.delivered.append(resumed)
    return delivery


def _deliver_kept(rt: Runtime, event: EventRecord, instance_id: str, delivery: Delivery) -> Delivery:
    waits = rt.read(lambda tx: EventStore(tx).waits_for_instance(instance_id))
    for wait in waits:
        if (wait.status != "waiting" or wait.event_type != event.event_type
                or wait.correlation_key != event.correlation_key):
            continue
        try:
            resumed = _resume(rt, event, wait, kept=True)
        except InvalidInput as exc:  # as at publishing: the wait goes on waiting, the event stays kept for another
            log.warning("kept event %s (%s) is not delivered to %s: %s", event.id, event.event_type, instance_id,
                        exc.detail)
            delivery.refused[instance_id] = exc.detail
            continue
        if resumed is not None:
            delivery.delivered.append(resumed)
    return delivery
