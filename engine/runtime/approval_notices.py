"""Announcing approvals: when one opens, is escalated or times out, the transition that does it also writes one
outbox job (`approval_notice`) in its own transaction — nothing is sent there, so a slow or broken mail server
or webhook never delays or fails a transition. A worker turns the job into one delivery per channel and
recipient (engine.runtime.notice_jobs)."""

from __future__ import annotations

from collections.abc import Sequence

from engine.runtime.job_payloads import ApprovalNoticePayload, JobKind
from storage.approvals import ApprovalRecord
from storage.jobs import JobStore
from storage.transaction import Transaction

__all__ = ["NOTICE_JOB", "announce_approval"]

NOTICE_JOB = JobKind.APPROVAL_NOTICE


def announce_approval(tx: Transaction, approval: ApprovalRecord, approval_id: int, event: str, now: float, *,
                      to: Sequence[tuple[str, str]] | None = None) -> None:
    """Queue the notice of `event` ('requested', 'escalated', 'timed_out') for the approval; once per event.
    `to`: the approvers to email, as (kind, name) — an escalation's new ones; default all of the approval's."""
    payload: ApprovalNoticePayload = {"approval_id": approval_id, "event": event}
    if to is not None:
        payload["to"] = [list(assignee) for assignee in to]
    JobStore(tx).enqueue(kind=NOTICE_JOB, key=f"{NOTICE_JOB}:{approval_id}:{event}", payload=payload, due_at=now,
                         now=now, instance_id=approval.instance_id, defer=True)  # sent with the transition's writes
