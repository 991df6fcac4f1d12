"""One step: an instance moved on by one event. Its workflow is compiled (cached), what the decision reads is
gathered (the environment), `decide` — a pure function — says what happens, and the decision is committed with
its history rows and outbox in the caller's transaction. Every way an instance moves — a caller's `send`, an
action's result, a child's end, an approval, a delivered event, a timer — goes through `take_step`."""

from __future__ import annotations

from engine import tracing
from engine.runtime.core import Runtime
from engine.runtime.decide import decide
from engine.runtime.snapshot import RUNNING, Event
from engine.runtime.writer import snapshot_of
from storage.instances import InstanceRecord
from storage.transaction import Transaction

__all__ = ["still_at", "take_step"]


def still_at(instance: InstanceRecord | None, seq: int, state: str | None = None) -> bool:
    """Whether `instance` still runs at version `seq` (and in `state`): the step that armed a job, a timer, a
    wait or a child is still the instance's latest, so what they bring back still applies."""
    return (instance is not None and instance.status == RUNNING and instance.version == seq
            and (state is None or instance.state == state))


def take_step(rt: Runtime, tx: Transaction, instance: InstanceRecord, event: Event, *, now: float | None = None,
              cost: float | None = None) -> InstanceRecord:
    """Decide what `event` does to `instance` (read and locked by the caller) and commit it; the instance after."""
    at = rt.clock.now() if now is None else now
    if not tracing.tracing_enabled():  # the hot path pays one check, not a span's set-up
        return _commit_step(rt, tx, instance, event, at=at, cost=cost)
    with tracing.span("statewright.transition", {
        "statewright.instance_id": instance.id, "statewright.workflow_id": instance.workflow_id,
        "statewright.workflow_version": instance.workflow_version, "statewright.from_state": instance.state,
        "statewright.event": event.name,
    }) as opened:
        after = _commit_step(rt, tx, instance, event, at=at, cost=cost)
        if opened is not None:
            opened.set_attributes({"statewright.to_state": after.state, "statewright.status": after.status,
                                   "statewright.seq": after.version})
        return after


def _commit_step(rt: Runtime, tx: Transaction, instance: InstanceRecord, event: Event, *, at: float,
                 cost: float | None) -> InstanceRecord:
    compiled = rt.writer.compiled_for(tx, instance)
    decision = decide(compiled, snapshot_of(instance), event, rt.writer.environment(tx, compiled, instance, at))
    return rt.writer.commit(tx, instance, decision, now=at, cost=cost)
