"""The jobs the engine queues, by kind, and the payload each carries.

The job outbox (storage.jobs) stores a payload as JSON and hands it back as a dict; the shape of each kind's
payload is declared here, once, as a `TypedDict`: what is written at the enqueue is type-checked against it,
and what a worker reads is read through it. A TypedDict is a plain dict at run time, so the stored JSON is
what it always was and reading it costs nothing more. Keys marked `NotRequired` are written only when they
apply; a reader uses `.get` for those (and for keys a job queued by an older release may lack).
"""

# No `from __future__ import annotations`: a TypedDict reads `NotRequired` from evaluated annotations only.
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, cast

if TYPE_CHECKING:
    from storage.jobs import JobRecord

__all__ = [
    "ActionPayload",
    "ApprovalNoticePayload",
    "ChildDonePayload",
    "DeliverPayload",
    "JobKind",
    "NotifyPayload",
    "action_payload",
    "actions_named",
    "approval_notice_payload",
    "child_done_key",
    "child_done_payload",
    "deliver_payload",
    "notify_payload",
]


class JobKind(StrEnum):
    """`jobs.kind`."""

    ACTION = "action"  # run one attempt of a task's action (engine.runtime.action_jobs)
    CHILD_DONE = "child_done"  # a child instance ended: resume its parent (engine.runtime.child_jobs)
    DELIVER = "deliver"  # deliver a published event to the instances waiting for it (engine.runtime.events)
    APPROVAL_NOTICE = "approval_notice"  # an approval opened, escalated or timed out (approval_notices)
    NOTIFY = "notify"  # send one approval notice on one channel to one recipient (engine.runtime.notice_jobs)


class ActionPayload(TypedDict):
    seq: int  # the history seq of the task's entry: the task the job belongs to
    state: str
    action: str
    input: Any
    agent: str | None
    timeout_s: float | None
    agent_version: str | None
    budget_limit: float | None  # the agent's budget for one task, in dollars
    retry: list[dict[str, Any]] | None  # the state's retry rules, as JSON
    output_schema: NotRequired[dict[str, Any]]
    trace: NotRequired[dict[str, str]]  # the W3C trace context of the transition that queued it
    idempotency_key: NotRequired[str]
    # when the job's attempt was first handed back by a worker without its handler: {"since", "attempt"}
    # (`engine.runtime.hand_backs`)
    handed_back: NotRequired[dict[str, float]]


class ChildDonePayload(TypedDict):
    child_id: str


class DeliverPayload(TypedDict):
    event_id: int
    # to this instance's wait only, if no wait took the event meanwhile: an event kept for a wait armed after it
    # was published (`engine.runtime.kept_events`)
    instance_id: NotRequired[str]


class ApprovalNoticePayload(TypedDict):
    approval_id: int
    event: str  # 'requested', 'escalated' or 'timed_out'
    to: NotRequired[list[list[str]]]  # [kind, name] of the approvers to tell; default: all of the approval's


class NotifyPayload(TypedDict):
    channel: str  # 'email', 'webhook' or 'slack'
    to: str  # the address, for email; '' otherwise
    notice: dict[str, Any]  # ApprovalNotice.as_dict()


def child_done_key(child_id: str) -> str:
    """The key a child's end is queued under, one job per child."""
    return f"child:{child_id}"


def action_payload(job: "JobRecord") -> ActionPayload:
    return cast("ActionPayload", job.payload)


def actions_named(jobs: "tuple[JobRecord, ...]") -> str:
    """Action jobs in words, for what a stopping worker or run says it waits for or leaves: "the action 'lookup' in
    'enrich' (attempt 1, instance ID)", or the same for several, joined."""
    each = [f"'{action_payload(job)['action']}' in '{action_payload(job)['state']}' (attempt {job.attempt}, "
            f"instance {job.instance_id})" for job in jobs]
    return ("the action " if len(each) == 1 else "the actions ") + "; ".join(each)


def child_done_payload(job: "JobRecord") -> ChildDonePayload:
    return cast("ChildDonePayload", job.payload)


def deliver_payload(job: "JobRecord") -> DeliverPayload:
    return cast("DeliverPayload", job.payload)


def approval_notice_payload(job: "JobRecord") -> ApprovalNoticePayload:
    return cast("ApprovalNoticePayload", job.payload)


def notify_payload(job: "JobRecord") -> NotifyPayload:
    return cast("NotifyPayload", job.payload)
