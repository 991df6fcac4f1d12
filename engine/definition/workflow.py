"""The workflow: the one in-memory form of a Statewright definition."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from engine.definition.base import EventType, Expression, Identifier, Model
from engine.definition.durations import IsoDuration
from engine.definition.error_kinds import DeclaredErrorKind
from engine.definition.scalars import StoredPositive, StrictFlag, StrictNumber
from engine.definition.states import Approvers, FinalState, State
from engine.definition.transitions import Transition

__all__ = ["Example", "Policy", "Position", "Schedule", "StartTrigger", "Workflow"]


class Policy(Model):
    """A Policy Officer rule: when `condition` holds, the outcome applies (checked in order, first match)."""

    id: Identifier
    description: str | None = Field(None, max_length=2000)
    applies_at: list[Identifier] = Field(
        default_factory=lambda: ["start"],
        description="'start' and/or the ids of states whose `policies` name this rule.",
    )
    condition: Expression = Field(description="CEL over the context (and `budget`); true means the rule applies.")
    outcome: Identifier = Field(
        description="'deny', 'require_approval' or 'allow'.", pattern="^(deny|require_approval|allow)$"
    )
    reason: str = Field(max_length=2000, description="Why, in words a requester understands.")
    action_required: str | None = Field(None, max_length=2000, description="What would make it pass.")
    approvers: Approvers | None = Field(None, description="With 'require_approval': who may approve.")


class Schedule(Model):
    """A cron start: one instance per fire time, however many workers run."""

    id: Identifier
    cron: str = Field(min_length=9, max_length=200, description="Five-field cron, e.g. '*/15 * * * *'.")
    timezone: str = Field("UTC", max_length=64)
    context: dict[str, Any] = Field(default_factory=dict, description="The context each started instance gets.")
    enabled: StrictFlag = True


class StartTrigger(Model):
    """An event type that starts this workflow, its payload mapped into the new instance's context."""

    event: EventType
    condition: Expression | None = Field(None, description="CEL over `event`; only matching events start it.")
    context: dict[Identifier, Expression] = Field(
        default_factory=dict, description="The new context, each key computed by CEL over `event`."
    )


class Example(Model):
    """A named sample context, with the events to send, used by the CLI, the tests and the simulator."""

    name: Identifier
    description: str | None = Field(None, max_length=2000)
    context: dict[str, Any] = Field(default_factory=dict)
    events: list[ExampleEvent] = Field(default_factory=list)
    expect_state: Identifier | None = Field(None, description="The final state this example should reach.")


class ExampleEvent(Model):
    event: Identifier
    payload: dict[str, Any] = Field(default_factory=dict)
    actor: str | None = None


class Position(Model):
    x: StrictNumber
    y: StrictNumber


def _not_a_scope(name: str) -> str:
    if name in ("workflow", "global"):
        raise ValueError(f"'{name}' is a scope of every instance's memory, not a namespace to declare")
    return name


MemoryNamespace = Annotated[
    str,
    Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64,
          description="A namespace of the tenant's shared memory, e.g. 'support_squad'."),
    AfterValidator(_not_a_scope),
]


class Workflow(Model):
    """A workflow definition: explicit states and transitions over a typed context."""

    schema_: str | None = Field(None, alias="$schema", description="The JSON Schema this file follows.")
    id: Identifier
    version: StoredPositive = 1
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=20_000)
    context: dict[str, Any] = Field(
        default_factory=lambda: {"type": "object"}, description="A JSON Schema of the workflow's variables."
    )
    sla: IsoDuration | None = Field(
        None, description="ISO 8601 duration an instance is promised to end within; a path whose worst case "
                          "is longer is reported as `sla-at-risk`.")
    initial: Identifier
    states: dict[Identifier, State] = Field(min_length=1)
    transitions: list[Transition] = Field(default_factory=list)
    policies: list[Policy] = Field(default_factory=list)
    schedules: list[Schedule] = Field(default_factory=list)
    starts_on: list[StartTrigger] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)
    layout: dict[str, Position] = Field(default_factory=dict, description="Node positions for the designer.")
    memory_namespaces: list[MemoryNamespace] | None = Field(
        None, description="Namespaces of the tenant's shared memory that other flows write and this one reads, "
                          "read-only: CEL sees each as `memory.<name>` ({key: value}).")
    # None, not []: a field every definition dumped would change the content hash of every version deployed before
    error_kinds: list[DeclaredErrorKind] | None = Field(
        None, description="Error kinds this workflow's own handlers raise (`ActionError('card_declined', ...)`), "
                          "beyond the engine's and the shipped handlers': its retry rules, `ask_user` and `error` "
                          "transitions name them without an `unknown-error-kind` warning.")

    def final_states(self) -> dict[str, FinalState]:
        return {sid: s for sid, s in self.states.items() if isinstance(s, FinalState)}

    def outgoing(self, state_id: str) -> list[Transition]:
        """Transitions leaving `state_id`, highest priority first (declaration order breaks ties)."""
        names = list(self.states)
        found = [t for t in self.transitions if state_id in t.sources(names)]
        return sorted(found, key=lambda t: -t.priority)


Example.model_rebuild()
