"""The events the runtime fires itself in each kind of state: a caller's `send` is refused them (an approval's
`approve`/`reject` go through `approve`/`reject`, which check who decides), and a refusal's list of the events a
state accepts leaves them out."""

from __future__ import annotations

__all__ = ["HELD_DECISIONS", "RUNTIME_EVENTS", "whose_event"]

RUNTIME_EVENTS: dict[str, frozenset[str]] = {
    "task": frozenset({"done", "error"}),
    "wait": frozenset({"done", "timeout"}),
    "approval": frozenset({"approve", "reject", "timeout"}),
    "parallel": frozenset({"done", "error"}),
    "subflow": frozenset({"done", "error"}),
    "map": frozenset({"done", "error"}),
}
HELD_DECISIONS = frozenset({"approve", "reject"})  # an instance held by a policy: decided by an approver

_WHOSE: dict[str, str] = {
    "task": "a task's done and error come from its action, which a worker runs",
    "wait": "a wait moves on when its event is published (publish, POST /api/events) or its time is up",
    "approval": "approvals are decided with approve/reject by an authorised approver",
    "parallel": "a parallel state moves on when its branches end",
    "subflow": "a subflow state moves on when its child instance ends",
    "map": "a map moves on when its items end",
}


def whose_event(state_type: str | None, *, held: bool = False) -> str:
    """Why a caller may not send one of the runtime's own events here, in words fit for that kind of state."""
    if held:
        return f"the runtime fires this event itself; {_WHOSE['approval']}"
    return f"the runtime fires this event itself; {_WHOSE.get(state_type or '', _WHOSE['approval'])}"
