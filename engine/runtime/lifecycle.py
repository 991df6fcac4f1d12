"""The engine's lifecycle events (`engine.definition.lifecycle_events`) published from the transaction that
commits the transition they report, so each is published exactly when — and only if — its transition is.

Publishing costs an event row and a delivery job per event, so by default (`subscribed`) a type is published only
while some deployed workflow version names it, in `starts_on` or in a wait for an event; `all` publishes every
type (for consumers that read `/api/events`), `off` none. Which types are named is read again at most every
`refresh_s` seconds (one COUNT of the deployed versions; their JSON only when that changed) and at once after a
deployment through this process, so the hot path with no subscriber pays one clock read per transition."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from typing import Any, Literal

from engine.definition import State, TaskState
from engine.definition.lifecycle_events import (
    APPROVAL_NEEDED,
    INPUT_REQUESTED,
    INSTANCE_FINISHED,
    LIFECYCLE_EVENTS,
    TASK_COMPLETED,
    TASK_FAILED,
)
from engine.errors import InvalidInput
from engine.runtime.asking import ASK
from engine.runtime.decide import Decision, Step
from engine.runtime.effects import RequestApproval
from engine.runtime.event_outbox import publish_in
from engine.runtime.snapshot import TERMINAL
from storage.costs import CostStore
from storage.definitions import DefinitionStore
from storage.history import HistoryStore
from storage.instances import InstanceRecord
from storage.transaction import Transaction

__all__ = ["LIFECYCLE_MODES", "LifecycleEvents", "LifecycleMode", "lifecycle_mode_from_env"]

LifecycleMode = Literal["subscribed", "all", "off"]
LIFECYCLE_MODES: tuple[LifecycleMode, ...] = ("subscribed", "all", "off")
ENV_VAR = "STATEWRIGHT_LIFECYCLE_EVENTS"
_NONE: frozenset[str] = frozenset()


def lifecycle_mode_from_env() -> LifecycleMode:
    value = os.environ.get(ENV_VAR, "subscribed").strip().lower() or "subscribed"
    for mode in LIFECYCLE_MODES:
        if value == mode:
            return mode
    raise InvalidInput(f"{ENV_VAR} must be one of {', '.join(LIFECYCLE_MODES)}, not '{value}'")


def _named_in(document: Any) -> Iterator[str]:
    """The event types a definition's JSON starts on or waits for (its branches and iterators included)."""
    if isinstance(document, dict):
        for trigger in document.get("starts_on") or ():
            if isinstance(trigger, dict) and isinstance(trigger.get("event"), str):
                yield trigger["event"]
        event = document.get("event")
        if document.get("type") == "wait" and isinstance(event, dict) and isinstance(event.get("type"), str):
            yield event["type"]
        ask = document.get("ask_user")
        if document.get("type") == "task" and isinstance(ask, dict):
            yield ask["event"] if isinstance(ask.get("event"), str) else "user_reply"
        for value in document.values():
            yield from _named_in(value)
    elif isinstance(document, list):
        for value in document:
            yield from _named_in(value)


class LifecycleEvents:
    """Which lifecycle events this process publishes, and publishing those of one committed decision."""

    def __init__(self, mode: LifecycleMode = "subscribed", *, refresh_s: float = 5.0) -> None:
        if mode not in LIFECYCLE_MODES:
            raise InvalidInput(f"the lifecycle events mode must be one of {', '.join(LIFECYCLE_MODES)}")
        self.mode = mode
        self.refresh_s = refresh_s
        self._types = _NONE
        self._named = _NONE
        self._count = -1
        self._checked_at: float | None = None

    def forget(self) -> None:
        """A workflow was deployed: read the subscriptions again on the next transition."""
        self._checked_at = None

    def wanted(self, tx: Transaction) -> frozenset[str]:
        if self.mode != "subscribed":
            return frozenset(LIFECYCLE_EVENTS) if self.mode == "all" else _NONE
        self._read(tx)
        return self._types

    def named(self, tx: Transaction) -> frozenset[str]:
        """The event types some deployed version starts on, waits for or takes a reply as (read again as `wanted`
        reads its subscriptions): an event of another type can reach no instance, now or later."""
        self._read(tx)
        return self._named

    def _read(self, tx: Transaction) -> None:
        now = time.monotonic()
        if self._checked_at is not None and now - self._checked_at < self.refresh_s:
            return
        definitions = DefinitionStore(tx)
        count = definitions.count()
        if count != self._count:
            named = frozenset(t for content in definitions.contents() for t in _named_in(json.loads(content)))
            self._named, self._types, self._count = named, named & LIFECYCLE_EVENTS.keys(), count
        self._checked_at = now

    # --- publishing -----------------------------------------------------------------------------------
    @staticmethod
    def publish(tx: Transaction, decision: Decision, *, wanted: frozenset[str],
                states: Callable[[], dict[str, State]], before: InstanceRecord, after: InstanceRecord, now: float,
                cost: float | None) -> None:
        """The task and instance events of a decision committed on `before` (approvals: `approval_needed`)."""
        seq = before.version
        for index, step in enumerate(decision.steps):
            seq += 1
            if step.event in ("done", "error") and step.source is not None and (
                    TASK_COMPLETED in wanted or TASK_FAILED in wanted):
                state = states().get(step.source)
                if isinstance(state, TaskState):
                    _publish_task(tx, after, step, wanted=wanted, state=state, seq=seq, now=now,
                                  cost=cost if index == 0 else None)
            elif step.event == ASK and INPUT_REQUESTED in wanted:
                starter = decision.steps[0].actor if before.version == 0 else _starter(tx, after.id)
                _publish_ask(tx, after, step, requester=starter, seq=seq, now=now)
        if INSTANCE_FINISHED in wanted and after.status in TERMINAL and before.status not in TERMINAL:
            error = after.error if isinstance(after.error, dict) else None
            payload = {**_about(after), "state": after.state, "status": after.status, "outcome": after.status,
                       "result": after.result, "error": after.error,
                       "error_kind": None if error is None else error.get("kind"),
                       "cost": CostStore(tx).instance_total(after.id), "seq": after.version}
            _emit(tx, INSTANCE_FINISHED, after, payload=payload, key=f"{after.id}:{after.version}", now=now)

    @staticmethod
    def approval_needed(tx: Transaction, instance: InstanceRecord, effect: RequestApproval, *, seq: int,
                        approval_id: int, now: float) -> None:
        payload = {**_about(instance), "state": effect.state, "seq": seq, "approval_id": approval_id,
                   "kind": effect.kind, "policy_id": effect.policy_id, "users": list(effect.users),
                   "roles": list(effect.roles), "quorum": effect.quorum, "request": effect.request,
                   "due_at": effect.due_at}
        _emit(tx, APPROVAL_NEEDED, instance, payload=payload, key=f"{instance.id}:{approval_id}", now=now)


def _about(instance: InstanceRecord) -> dict[str, Any]:
    return {"instance_id": instance.id, "workflow_id": instance.workflow_id,
            "workflow_version": instance.workflow_version, "tenant": instance.tenant, "parent_id": instance.parent_id}


def _publish_task(tx: Transaction, instance: InstanceRecord, step: Step, *, wanted: frozenset[str], state: TaskState,
                  seq: int, now: float, cost: float | None) -> None:
    failed = step.event == "error"
    event_type = TASK_FAILED if failed else TASK_COMPLETED
    if event_type not in wanted:
        return
    error = step.payload if failed and isinstance(step.payload, dict) else None
    payload = {**_about(instance), "state": step.source, "action": state.action, "agent": state.agent,
               "outcome": "failed" if failed else "completed", "next_state": step.dest, "seq": seq, "cost": cost,
               "error_kind": None if error is None else error.get("kind"),
               "error": error if failed else None}
    _emit(tx, event_type, instance, payload=payload, key=f"{instance.id}:{seq}", now=now)


def _starter(tx: Transaction, instance_id: str) -> str | None:
    first = HistoryStore(tx).for_instance(instance_id, limit=1)
    return first[0].actor if first else None


def _publish_ask(tx: Transaction, instance: InstanceRecord, step: Step, *, requester: str | None, seq: int,
                 now: float) -> None:
    """The question a task asks, with how to reply, addressed to the requester: who started the instance."""
    asked = next((value for value in step.changes.values() if isinstance(value, dict) and "question" in value), {})
    payload = {**_about(instance), "state": step.source, "seq": seq, "question": asked.get("question"),
               "error": asked.get("error"), "asks": asked.get("asks"), "requester": requester,
               "reply_event": asked.get("event"), "correlation_key": asked.get("correlation_key"),
               "due_at": asked.get("due_at")}
    _emit(tx, INPUT_REQUESTED, instance, payload=payload, key=f"{instance.id}:{seq}", now=now)


def _emit(tx: Transaction, event_type: str, instance: InstanceRecord, *, payload: dict[str, Any], key: str,
          now: float) -> None:
    publish_in(tx, tenant=instance.tenant, event_type=event_type, payload=payload, correlation_key=instance.id,
               idempotency_key=f"{event_type}:{key}", now=now)
