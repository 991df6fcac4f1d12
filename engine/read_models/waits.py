"""What one instance waits on right now: a pending approval, and the timers armed for it."""

from __future__ import annotations

from dataclasses import dataclass

from engine.runtime.engine import Engine
from storage.approvals import ApprovalStore
from storage.timers import TimerStore
from storage.transaction import Transaction

__all__ = ["Waits", "waits_of"]


@dataclass(frozen=True, slots=True)
class Waits:
    approval_pending: bool
    armed_timers: list[tuple[str, float]]  # (what fires, due at as epoch seconds)


def waits_of(engine: Engine, instance_id: str) -> Waits:
    def read(tx: Transaction) -> Waits:
        pending = ApprovalStore(tx).pending_for_instance(instance_id)
        timers = [(t.fire, t.due_at) for t in TimerStore(tx).for_instance(instance_id) if t.status == "armed"]
        return Waits(pending is not None, timers)

    return engine.runtime.read(read)
