"""The statuses of the rows the stores claim and close, named: each value is the string stored in its table's
`status` (or `outcome`) column, so comparing a member with a stored string, or writing a member, needs no
conversion. An instance's status is the engine's (`engine.runtime.snapshot.InstanceStatus`): `decide` sets it,
and deciding loads no storage module; `engine.statuses` names all four for the layers above."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ApprovalStatus", "AttemptOutcome", "JobStatus"]


class JobStatus(StrEnum):
    """`jobs.status`: ready to be claimed, leased by a worker (running), or finished one way or another."""

    READY = "ready"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ApprovalStatus(StrEnum):
    """`approvals.status`: pending until decided, timed out, or closed with its instance (cancelled)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"


class AttemptOutcome(StrEnum):
    """`action_attempts.outcome`: how one attempt of a task's action ended."""

    DONE = "done"
    ERROR = "error"
    RETRY = "retry"  # it failed and a later attempt followed
    LOST = "lost"  # its worker stopped (the lease lapsed) before it finished
