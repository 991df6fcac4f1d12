"""The engine's own events: what it publishes on the event bus when a task completes or fails, an approval opens,
an instance ends, a task asks its requester or a tenant's spend crosses its budget threshold. Their types carry
the reserved `statewright.` prefix, which no user event may use, so a workflow can `starts_on` or wait for them
without any collision."""

from __future__ import annotations

__all__ = [
    "APPROVAL_NEEDED",
    "BUDGET_THRESHOLD",
    "INPUT_REQUESTED",
    "INSTANCE_FINISHED",
    "LIFECYCLE_EVENTS",
    "RESERVED_PREFIX",
    "TASK_COMPLETED",
    "TASK_FAILED",
    "check_event_type",
]

RESERVED_PREFIX = "statewright."
TASK_COMPLETED = "statewright.task.completed"
TASK_FAILED = "statewright.task.failed"
APPROVAL_NEEDED = "statewright.approval.needed"
INSTANCE_FINISHED = "statewright.instance.finished"
INPUT_REQUESTED = "statewright.input.requested"
BUDGET_THRESHOLD = "statewright.budget.threshold"

LIFECYCLE_EVENTS: dict[str, str] = {
    TASK_COMPLETED: "a task's action succeeded and the instance moved on (after any retries)",
    TASK_FAILED: "a task's action failed for good (its retries spent, or not retryable)",
    APPROVAL_NEEDED: "an approval was opened (an approval state, a policy's or an agent's gate)",
    INSTANCE_FINISHED: "an instance ended: succeeded, failed or cancelled",
    INPUT_REQUESTED: "a task asks its requester (`ask_user`): the question, and how to reply",
    BUDGET_THRESHOLD: "a tenant's spend this month crossed 90% of its monthly budget (once a month)",
}


def check_event_type(value: str) -> str:
    """An event type a definition names: any name, but one under the reserved prefix must be a lifecycle event."""
    if value.startswith(RESERVED_PREFIX) and value not in LIFECYCLE_EVENTS:
        known = ", ".join(sorted(LIFECYCLE_EVENTS))
        raise ValueError(f"'{value}' uses the reserved prefix '{RESERVED_PREFIX}' but is not an event the engine "
                         f"publishes; the engine's events are: {known}")
    return value
