"""One instance with what its page shows: context, path, pending approvals, armed timers, cost."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from designer.schemas.approvals import ApprovalSummary
from designer.schemas.instances import InstanceSummary

__all__ = ["InstanceDetail", "TimerRead"]


class TimerRead(BaseModel):
    fire: str = Field(description="The event it fires ('timeout', 'done') or 'escalate'.")
    due_at: datetime


class InstanceDetail(InstanceSummary):
    context: dict[str, Any]
    result: Any
    error: Any
    started_by: str | None
    path: list[str] = Field(description="The states entered, in order (a state entered again appears again).")
    pending_approvals: list[ApprovalSummary]
    timers: list[TimerRead]
    cost: float
    accepted_events: list[str] = Field(
        description="The events a caller may send now (POST …/events): the current state's triggers, less those "
        "the runtime fires itself (a task's done/error, an approval's approve/reject/timeout, …)."
    )
    redrivable: bool = Field(
        description="Whether POST …/redrive would resume it now: a failed top-level instance with a failed "
        "step to resume (not one that reached a failure state its workflow leads to)."
    )
