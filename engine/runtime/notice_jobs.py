"""Approval notices, by the worker: an `approval_notice` job becomes one `notify` job per channel and recipient (an
email per approver address, one webhook call, one Slack message) — a few writes on the worker's loop
(`expand_notice`) — and each `notify` job is one delivery, sent outside any transaction on a thread of its own
(`engine.runtime.notice_deliveries`) and retried with backoff when the receiver does not take it, up to the settings'
`max_attempts`; a job that never got through ends `failed` with the last error. Without notification settings the
notice is dropped (the job ends `done`)."""

from __future__ import annotations

from http.client import HTTPException

from engine.notifications import ApprovalNotice, NotificationSettings
from engine.notifications.mail import send_notice_email
from engine.notifications.webhook import post_notice, post_slack
from engine.runtime.approval_notices import NOTICE_JOB
from engine.runtime.clock import to_rfc3339
from engine.runtime.core import Runtime
from engine.runtime.job_payloads import JobKind, NotifyPayload, approval_notice_payload, notify_payload
from engine.runtime.queries import approval_view
from storage.approvals import ApprovalStore
from storage.jobs import JobRecord, JobStore
from storage.statuses import JobStatus
from storage.transaction import Transaction

__all__ = ["DELIVERY_JOB", "NOTICE_JOB", "NOTICE_JOBS", "delivery_target", "expand_notice", "record_delivery",
           "release_delivery", "send_notice", "still_held"]

DELIVERY_JOB = JobKind.NOTIFY
NOTICE_JOBS = frozenset({NOTICE_JOB, DELIVERY_JOB})
MAX_BACKOFF_S = 3600.0


def expand_notice(rt: Runtime, job: JobRecord, owner: str) -> None:
    """Turn an `approval_notice` job into its deliveries, in one transaction (nothing is sent here)."""
    rt.write(lambda tx: _expand(rt, tx, job, owner))


def _notice(rt: Runtime, tx: Transaction, approval_id: int, event: str,
            settings: NotificationSettings) -> tuple[ApprovalNotice, list[tuple[str, str]]] | None:
    record = ApprovalStore(tx).get(approval_id)
    if record is None:
        return None
    view = approval_view(tx, record)
    base = settings.designer_url
    notice = ApprovalNotice(
        approval_id=approval_id, event=event, instance_id=view.instance_id, workflow_id=view.workflow_id,
        state=view.state, tenant=view.tenant, kind=view.kind, quorum=view.quorum, request=view.request,
        users=view.users, roles=view.roles, due_at=None if view.due_at is None else to_rfc3339(view.due_at),
        at=to_rfc3339(rt.clock.now()),
        decisions=[{"actor": d["actor"], "decision": d["decision"], "comment": d["comment"],
                    "at": to_rfc3339(d["at"])} for d in view.decisions],
        link=None if base is None else f"{base}/instances/{view.instance_id}",
        inbox=None if base is None else f"{base}/inbox")
    return notice, ApprovalStore(tx).assignees(approval_id)


def _expand(rt: Runtime, tx: Transaction, job: JobRecord, owner: str) -> None:
    """One delivery job per channel and recipient, written with the notice job's end (so exactly once)."""
    settings, now = rt.notifications, rt.clock.now()
    jobs = JobStore(tx)
    payload = approval_notice_payload(job)
    found = None if settings is None else _notice(rt, tx, int(payload["approval_id"]), payload["event"], settings)
    if settings is not None and found is not None:
        notice, assignees = found
        if "to" in payload:  # an escalation emails the approvers it added, not those told before
            assignees = [(kind, name) for kind, name in payload["to"]]
        targets = [("email", address) for address in settings.addresses(assignees)] if settings.email else []
        targets += [(channel, "") for channel in ("webhook", "slack") if channel in settings.channels]
        for channel, to in targets:
            jobs.enqueue(kind=DELIVERY_JOB, key=f"{DELIVERY_JOB}:{notice.approval_id}:{notice.event}:{channel}:{to}",
                         payload=NotifyPayload(channel=channel, to=to, notice=notice.as_dict()), due_at=now, now=now,
                         instance_id=notice.instance_id)
    jobs.finish(job.id, owner=owner, status=JobStatus.DONE, now=now)


def delivery_target(settings: NotificationSettings | None, job: JobRecord) -> str:
    """Where a delivery job goes, for a log line: the email's address, the webhook's host and path, Slack's host."""
    payload = notify_payload(job)
    return (settings or NotificationSettings()).target(payload["channel"], payload["to"])


def still_held(rt: Runtime, job: JobRecord, owner: str, lease_s: float) -> bool:
    """Whether `owner` still holds the delivery job, its lease renewed for `lease_s` if so: one whose lease
    another worker took meanwhile (this one stalled past its lease) is left to that worker, never sent twice."""
    until = rt.clock.now() + lease_s
    return bool(rt.write(lambda tx: JobStore(tx).renew_leases([job.id], owner=owner, until=until)))


def send_notice(rt: Runtime, job: JobRecord) -> str | None:
    """Send the delivery job's notice on its channel, outside any transaction, each call bounded by the channel's
    timeout: None once the receiver took it, else why not."""
    try:
        _send(rt.notifications, notify_payload(job), rt.clock.now())
    except (OSError, HTTPException) as exc:  # refused, unreachable, timed out, a broken answer (SMTP errors too)
        return f"{type(exc).__name__}: {exc}"
    return None


def record_delivery(rt: Runtime, job: JobRecord, owner: str, error: str | None) -> None:
    """Record a delivery's outcome, if `owner` still holds its job: done, again later (5 s, then 10 s, 20 s, … at
    most an hour apart), or failed for good once the settings' `max_attempts` are spent."""
    attempts = rt.notifications.max_attempts if rt.notifications is not None else 1
    rt.write(lambda tx: _record(tx, job, owner, error, now=rt.clock.now(), max_attempts=attempts))


def release_delivery(rt: Runtime, job: JobRecord, owner: str, why: str) -> bool:
    """Put a delivery job `owner` holds back as ready at once, its attempt not counted and `why` as its last
    error: a worker that stops lets the next one send it (a receiver that got it meanwhile gets it twice)."""
    now = rt.clock.now()
    return rt.write(lambda tx: JobStore(tx).retry_later(job.id, owner=owner, attempt=job.attempt, due_at=now,
                                                        error={"kind": "delivery", "message": why}, now=now))


def _send(settings: NotificationSettings | None, payload: NotifyPayload, now: float) -> None:
    if settings is None:
        raise OSError("no notification channel is configured in this worker")
    notice = ApprovalNotice.from_dict(payload["notice"])
    channel = payload["channel"]
    if channel == "email" and settings.email is not None:
        send_notice_email(settings.email, payload["to"], notice)
    elif channel == "webhook" and settings.webhook is not None:
        post_notice(settings.webhook, notice, now=now)
    elif channel == "slack" and settings.slack is not None:
        post_slack(settings.slack, notice)
    else:
        raise OSError(f"the channel '{channel}' is not configured in this worker")


def _record(tx: Transaction, job: JobRecord, owner: str, error: str | None, *, now: float,
            max_attempts: int) -> None:
    jobs = JobStore(tx)
    if error is None:
        jobs.finish(job.id, owner=owner, status=JobStatus.DONE, now=now)
    elif job.attempt < max_attempts:
        wait = min(MAX_BACKOFF_S, 5.0 * 2 ** (job.attempt - 1))
        jobs.retry_later(job.id, owner=owner, attempt=job.attempt + 1, due_at=now + wait,
                         error={"kind": "delivery", "message": error}, now=now)
    else:
        jobs.finish(job.id, owner=owner, status=JobStatus.FAILED, now=now, error={"kind": "delivery", "message": error,
                                                                            "attempts": job.attempt})
