"""Firing due timers: each is claimed (armed → fired) in the transaction that applies what it causes, so it
fires once however many workers look, and a crash before the commit leaves it armed."""

from __future__ import annotations

from engine.definition import ApprovalState
from engine.runtime.approval_notices import announce_approval
from engine.runtime.clock import to_rfc3339
from engine.runtime.core import Runtime
from engine.runtime.snapshot import Event
from engine.runtime.step import still_at, take_step
from storage.approvals import ApprovalStore
from storage.instances import InstanceRecord, InstanceStore
from storage.statuses import ApprovalStatus
from storage.timers import TimerRecord, TimerStore
from storage.transaction import Transaction

__all__ = ["fire_next_timer", "fire_timer", "next_timer_due"]


def _escalate(rt: Runtime, tx: Transaction, instance: InstanceRecord) -> None:
    """Offer the pending approval to the escalation's approvers too (not a transition: the state stays)."""
    compiled = rt.writer.compiled_for(tx, instance)
    state = compiled.states.get(instance.state)
    approvals = ApprovalStore(tx)
    pending = approvals.pending_for_instance(instance.id)
    if not isinstance(state, ApprovalState) or state.escalation is None or pending is None or pending.id is None:
        return
    to = state.escalation.to
    added = [("user", u) for u in to.users] + [("role", r) for r in to.roles]
    approvals.add_assignees(pending.id, added)
    announce_approval(tx, pending, pending.id, "escalated", rt.clock.now(), to=added)


def _fire(rt: Runtime, tx: Transaction, timer: TimerRecord) -> None:
    instance = InstanceStore(tx).get_for_update(timer.instance_id)
    if instance is None or not still_at(instance, timer.seq):
        return  # armed for a state the instance has left
    if timer.fire == "escalate":
        _escalate(rt, tx, instance)
        return
    now = rt.clock.now()
    if timer.fire == "timeout":
        approvals = ApprovalStore(tx)
        pending = approvals.pending_for_instance(instance.id)
        approvals.close_for_instance(instance.id, status=ApprovalStatus.TIMED_OUT, at=now)
        if pending is not None and pending.id is not None:
            announce_approval(tx, pending, pending.id, "timed_out", now)
    payload = {"timer": timer.fire, "due_at": to_rfc3339(timer.due_at)}
    take_step(rt, tx, instance, Event(timer.fire, payload, system=True), now=now)


def fire_next_timer(rt: Runtime) -> bool:
    """Fire the earliest due timer, if any; True if one was fired."""

    def work(tx: Transaction) -> bool:
        timers = TimerStore(tx)
        timer = timers.next_claimable(rt.clock.now())
        if timer is None or not timers.claim(timer.id):
            return False
        _fire(rt, tx, timer)
        return True

    return rt.write(work)


def fire_timer(rt: Runtime, timer: TimerRecord) -> bool:
    """Fire this armed timer (read due); False when it has fired or been cancelled meanwhile."""

    def work(tx: Transaction) -> bool:
        if not TimerStore(tx).claim(timer.id):
            return False
        _fire(rt, tx, timer)
        return True

    return rt.write(work)


def next_timer_due(rt: Runtime) -> float | None:
    return rt.read(lambda tx: TimerStore(tx).next_due())
