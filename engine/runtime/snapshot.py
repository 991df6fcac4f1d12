"""What an instance is at one moment (its snapshot), and the events that move it on."""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from storage.records import record

if TYPE_CHECKING:
    from engine.definition import Agent

__all__ = [
    "AUTO",
    "CANCEL",
    "CANCELLED",
    "FAILED",
    "HELD",
    "MIGRATE",
    "NO_AGENTS",
    "REDRIVE",
    "RUNNING",
    "START",
    "STATUSES",
    "STUCK",
    "SUCCEEDED",
    "TERMINAL",
    "AgentLookup",
    "Environment",
    "Event",
    "InstanceStatus",
    "Snapshot",
]


class InstanceStatus(StrEnum):
    """An instance's status (`instances.status`; `history.status`: the status after that transition)."""

    RUNNING = "running"  # in a state, working or waiting
    HELD = "held"  # stopped at a policy's approval gate before the state's work starts
    STUCK = "stuck"  # a task ran out of attempts its workers never finished, with no error path: for an operator
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


RUNNING = InstanceStatus.RUNNING
HELD = InstanceStatus.HELD
SUCCEEDED = InstanceStatus.SUCCEEDED
FAILED = InstanceStatus.FAILED
CANCELLED = InstanceStatus.CANCELLED
STUCK = InstanceStatus.STUCK
STATUSES = (RUNNING, HELD, STUCK, SUCCEEDED, FAILED, CANCELLED)
TERMINAL = frozenset({SUCCEEDED, FAILED, CANCELLED})

# History names for what is not a definition trigger (parenthesised, so no trigger can be spelt the same).
START = "(start)"
AUTO = "(auto)"
CANCEL = "(cancel)"
CARRIED = "(carried)"  # a redriven map's item that succeeded before: its end carried over, nothing run again
REDRIVE = "(redrive)"  # a failed instance resumed at the state it failed in (engine.runtime.redrive)
MIGRATE = "(migrate)"  # an instance moved to another version of its workflow (engine.runtime.migration)


@record
class Snapshot:
    state: str
    context: dict[str, Any]
    status: str = RUNNING
    result: Any = None
    error: Any = None

    @property
    def ended(self) -> bool:
        return self.status in TERMINAL


@record
class Event:
    """A trigger with its payload. `system` events come from the runtime (an action's done/error, a timer,
    a child's end): one the definition does not handle fails the instance instead of being refused — or, when
    it `escalates`, leaves it `stuck` where it is, for an operator (a task whose workers kept dying)."""

    name: str
    payload: Any = None
    actor: str | None = None
    system: bool = False
    escalates: bool = False
    visit_at: float | None = field(default=None, compare=False)
    """For a map's next items (not stored): when the step that entered the map was taken, the `now` its `items`
    and each item's `input` are read at again, so every batch reads the list the first one did."""
    items: tuple[Any, ...] | None = field(default=None, compare=False)
    """For a map's next items (not stored): the list this visit maps over, when this process has it already (an
    `items` expression is otherwise evaluated again, converting the whole list, at every batch)."""
    reuses: int | None = field(default=None, compare=False)
    """For a redriven map's next items (not stored): the visit whose succeeded items are carried over."""


class AgentLookup:
    """The deployed agents a decision may need, and the tenant's remaining budget — both looked up only when a
    decision enters a task that names an agent. This base knows no agent."""

    def agent(self, agent_id: str) -> Agent | None:  # noqa: ARG002 - overridden
        return None

    def remaining_budget(self) -> float | None:
        """What is left of the tenant's monthly budget this month; None when it has no budget."""
        return None

    def budget_held(self) -> float:
        """What the tenant's tasks queued or running under agents may still spend (their agents' per-task limits):
        held from what remains, so that tasks entered together cannot each count on the same remainder."""
        return 0.0


NO_AGENTS = AgentLookup()


@record
class Environment:
    """What a decision may read besides the snapshot: the time, the instance, the budget, shared memory, and
    the deployed agents its tasks name (their policies apply on entering those tasks)."""

    now: float
    instance: dict[str, Any]
    budget: dict[str, Any] | None = None
    memory: dict[str, Any] = field(default_factory=lambda: {"workflow": {}, "global": {}})
    agents: AgentLookup = field(default_factory=lambda: NO_AGENTS)
