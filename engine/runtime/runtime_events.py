"""The events the runtime fires itself in each kind of state: a caller's `send` is refused them (an approval's
`approve`/`reject` go through `approve`/`reject`, which check who decides), and a refusal's list of the events a
state accepts leaves them out."""

from __future__ import annotations

__all__ = ["HELD_DECISIONS", "RUNTIME_EVENTS"]

RUNTIME_EVENTS: dict[str, frozenset[str]] = {
    "task": frozenset({"done", "error"}),
    "wait": frozenset({"done", "timeout"}),
    "approval": frozenset({"approve", "reject", "timeout"}),
    "parallel": frozenset({"done", "error"}),
    "subflow": frozenset({"done", "error"}),
    "map": frozenset({"done", "error"}),
}
HELD_DECISIONS = frozenset({"approve", "reject"})  # an instance held by a policy: decided by an approver
