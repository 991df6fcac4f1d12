"""The names every CEL expression may read, besides the context's own top-level keys.

One place, so the validator's data-flow check and the runtime agree on what an expression can see.
"""

from __future__ import annotations

__all__ = ["RESERVED_NAMES"]

RESERVED_NAMES: dict[str, str] = {
    "context": "the whole context object (so `context.email` and `email` read the same value)",
    "event": "the payload of the event that fired the transition (a task's output for `done`, "
    "{kind, message} for `error`, {actor, comment} for an approval decision)",
    "instance": "{id, workflow, version, tenant, state}",
    "now": "the current time, an RFC 3339 timestamp",
    "budget": "{limit, spent, remaining, ratio} of the tenant's current month (in policies and guards)",
    "memory": "the shared memory visible to this instance (workflow-scoped and cross-workflow keys)",
}
