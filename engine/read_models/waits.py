"""What one instance waits on right now: a pending approval, the timers armed for it, the actions queued for a
worker, and the events a caller may send it."""

from __future__ import annotations

from dataclasses import dataclass

from engine.runtime.caller_events import caller_events
from engine.runtime.engine import Engine
from engine.runtime.views import InstanceView
from storage.approvals import ApprovalStore
from storage.jobs import JobStore
from storage.statuses import JobStatus
from storage.timers import TimerStore
from storage.transaction import Transaction

__all__ = ["Waits", "waits_of"]


@dataclass(frozen=True, slots=True)
class Waits:
    approval_pending: bool
    armed_timers: list[tuple[str, float]]  # (what fires, due at as epoch seconds)
    queued_actions: list[str]  # the actions a worker is to run (or runs) for it: ready or leased jobs
    accepted_events: list[str]  # what `send` accepts from a caller in the instance's state


def waits_of(engine: Engine, view: InstanceView) -> Waits:
    def read(tx: Transaction) -> Waits:
        pending = ApprovalStore(tx).pending_for_instance(view.id)
        timers = [(t.fire, t.due_at) for t in TimerStore(tx).for_instance(view.id) if t.status == "armed"]
        actions = [str(j.payload.get("action")) for j in JobStore(tx).for_instance(view.id)
                   if j.kind == "action" and j.status in (JobStatus.READY, JobStatus.RUNNING)]
        compiled = engine.runtime.deployments.compiled(tx, view.workflow_id, view.workflow_version)
        return Waits(pending is not None, timers, actions, caller_events(compiled.workflow, view.state, view.status))

    return engine.runtime.read(read)
