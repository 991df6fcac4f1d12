"""What an instance is at one moment (its snapshot), and the events that move it on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AUTO",
    "CANCEL",
    "CANCELLED",
    "FAILED",
    "HELD",
    "RUNNING",
    "START",
    "STATUSES",
    "SUCCEEDED",
    "TERMINAL",
    "Environment",
    "Event",
    "Snapshot",
]

RUNNING = "running"  # in a state, working or waiting
HELD = "held"  # stopped at a policy's approval gate before the state's work starts
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELLED = "cancelled"
STATUSES = (RUNNING, HELD, SUCCEEDED, FAILED, CANCELLED)
TERMINAL = frozenset({SUCCEEDED, FAILED, CANCELLED})

# History names for what is not a definition trigger (parenthesised, so no trigger can be spelt the same).
START = "(start)"
AUTO = "(auto)"
CANCEL = "(cancel)"


@dataclass(frozen=True, slots=True)
class Snapshot:
    state: str
    context: dict[str, Any]
    status: str = RUNNING
    result: Any = None
    error: Any = None

    @property
    def ended(self) -> bool:
        return self.status in TERMINAL


@dataclass(frozen=True, slots=True)
class Event:
    """A trigger with its payload. `system` events come from the runtime (an action's done/error, a timer,
    a child's end): one the definition does not handle fails the instance instead of being refused."""

    name: str
    payload: Any = None
    actor: str | None = None
    system: bool = False


@dataclass(frozen=True, slots=True)
class Environment:
    """What a decision may read besides the snapshot: the time, the instance, the budget, shared memory."""

    now: float
    instance: dict[str, Any]
    budget: dict[str, Any] | None = None
    memory: dict[str, Any] = field(default_factory=dict)
