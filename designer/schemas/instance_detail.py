"""One instance with what its page shows: context, path, pending approvals, armed timers, cost."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from designer.schemas.approvals import ApprovalSummary
from designer.schemas.instances import InstanceSummary

__all__ = ["InstanceDetail", "MoveRead", "TimerRead"]


class TimerRead(BaseModel):
    fire: str = Field(description="The event it fires ('timeout', 'done') or 'escalate'.")
    due_at: datetime


class MoveRead(BaseModel):
    from_state: str | None = Field(description="null for the start.")
    to_state: str
    event: str


class InstanceDetail(InstanceSummary):
    context: dict[str, Any]
    result: Any
    error: Any
    started_by: str | None
    path: list[str] = Field(
        description="The states entered, in order (a state entered again appears again) — over the latest 500 "
        "transitions when it made more (`path_truncated`); the earlier ones are in …/history."
    )
    path_truncated: bool = Field(description="Whether transitions before those `path` covers are left out of it.")
    history_total: int = Field(description="How many transitions it made in all (its history's length).")
    moves: list[MoveRead] = Field(
        description="Each distinct move of its whole history (from, to, event), once however often it was made: "
        "what its diagram marks as taken."
    )
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
