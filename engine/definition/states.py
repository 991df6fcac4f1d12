"""State types: task, choice, approval, wait, parallel, subflow, map, final."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, PositiveInt, model_validator

from engine.definition.base import Expression, Identifier, Model
from engine.definition.durations import IsoDuration
from engine.definition.map_state import MapIterator, MapState
from engine.definition.transitions import Transition

__all__ = [
    "STATE_TYPES",
    "ApprovalState",
    "Approvers",
    "Branch",
    "ChoiceState",
    "Escalation",
    "FinalState",
    "Join",
    "MapIterator",
    "MapState",
    "ParallelState",
    "Retry",
    "State",
    "SubflowState",
    "TaskState",
    "WaitEvent",
    "WaitState",
]


class _StateBase(Model):
    title: str | None = Field(None, max_length=200, description="A short label shown on the diagram.")
    description: str | None = Field(None, max_length=4000, description="What happens here, for people.")
    policies: list[Identifier] = Field(
        default_factory=list, description="Ids of workflow policies checked when the state is entered."
    )
    escalates: bool | None = Field(
        None, description="true: entering this state hands the case to a person (a hand-over task, a human queue), "
                          "so it counts towards the escalation rate. Approval states count without it.",
    )


class Retry(Model):
    """How a failed action is tried again before the state takes its `error` transition."""

    max_attempts: int = Field(3, ge=1, le=100, description="Attempts in all, the first one included.")
    backoff: Literal["fixed", "exponential"] = "exponential"
    initial_interval_s: float = Field(1.0, gt=0, le=86_400)
    max_interval_s: float = Field(300.0, gt=0, le=86_400 * 7)
    multiplier: float = Field(2.0, ge=1, le=10)
    jitter: bool = Field(True, description="Randomise each wait by up to ±50% to spread retries.")
    retry_on: list[str] = Field(
        default_factory=list,
        description="Error kinds worth retrying (e.g. 'timeout', 'rate_limited'); empty retries every kind.",
    )


class TaskState(_StateBase):
    """Runs an action (optionally on behalf of an agent), then fires `done` or `error`."""

    type: Literal["task"]
    action: Identifier | Annotated[str, Field(pattern=r"^[A-Za-z_][\w\-]*(\.[A-Za-z_][\w\-]*)+$")] = Field(
        description="The name of a handler the host application registered, e.g. 'extract_lead'."
    )
    agent: Identifier | None = Field(None, description="The agent performing the action (definitions/agents).")
    input: dict[str, Expression] = Field(
        default_factory=dict, description="The action's input: each key computed by a CEL expression."
    )
    output: Identifier | None = Field(None, description="The context key the action's result is stored under.")
    retry: Retry | None = None
    timeout_s: float | None = Field(None, gt=0, le=86_400, description="Seconds before an attempt fails.")


class ChoiceState(_StateBase):
    """Decides automatically: the first guarded transition that holds, by priority; the unguarded one last."""

    type: Literal["choice"]


class Approvers(Model):
    roles: list[Identifier] = Field(default_factory=list)
    users: list[str] = Field(default_factory=list)


class Escalation(Model):
    """After `after`, the request is also offered to `to`; at the state's `timeout`, `timeout` fires."""

    after: IsoDuration
    to: Approvers


class ApprovalState(_StateBase):
    """Waits for authorised people. Fires `approve`, `reject`, or `timeout` when the time is up."""

    type: Literal["approval"]
    approvers: Approvers
    quorum: PositiveInt = Field(1, description="How many approvals are needed; one rejection rejects.")
    timeout: IsoDuration | None = Field(None, description="ISO 8601 duration, e.g. PT48H.")
    escalation: Escalation | None = None
    sla: IsoDuration | None = Field(
        None, description="ISO 8601 duration the decision is promised within; a `timeout` beyond it (or none) "
                          "is reported as `sla-at-risk`.")
    request: dict[str, Expression] = Field(
        default_factory=dict, description="What the approver is shown: each entry computed by a CEL expression."
    )

    @model_validator(mode="after")
    def _someone_decides(self) -> ApprovalState:
        if not self.approvers.roles and not self.approvers.users:
            raise ValueError("approvers needs at least one role or user")
        return self


class WaitEvent(Model):
    type: Identifier = Field(description="The event type awaited, e.g. 'payment_received'.")
    correlation: Expression | None = Field(
        None, description="CEL computing the key an event's `correlation_key` must equal, e.g. 'order.id'."
    )


class WaitState(_StateBase):
    """Waits for a duration, until a deadline, or for an event (fires `done`; `timeout` if it never comes)."""

    type: Literal["wait"]
    duration: IsoDuration | None = None
    deadline: Expression | None = Field(None, description="CEL giving an RFC 3339 timestamp.")
    event: WaitEvent | None = None
    timeout: IsoDuration | None = Field(None, description="With `event`: how long to wait before `timeout`.")
    output: Identifier | None = Field(None, description="With `event`: the context key for its payload.")

    @model_validator(mode="after")
    def _one_condition(self) -> WaitState:
        given = [n for n in ("duration", "deadline", "event") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("a wait needs exactly one of 'duration', 'deadline' or 'event'")
        if self.timeout is not None and self.event is None:
            raise ValueError("'timeout' applies only to a wait for an 'event'")
        return self


class Join(Model):
    """When the parallel state is done, and what a failing branch does to the others."""

    mode: Literal["all", "any", "quorum"] = Field("all", description="Branches that must succeed.")
    quorum: PositiveInt | None = Field(None, description="With mode 'quorum': how many.")
    on_failure: Literal["fail", "cancel_others", "continue"] = Field(
        "cancel_others", description="fail: fire `error` at once; cancel_others: also cancel running branches."
    )

    @model_validator(mode="after")
    def _quorum_given(self) -> Join:
        if (self.mode == "quorum") != (self.quorum is not None):
            raise ValueError("'quorum' is required with mode 'quorum' and only then")
        return self


class Branch(Model):
    """One independent path of a parallel state: a small state machine of its own."""

    name: Identifier
    initial: Identifier
    states: dict[Identifier, State]
    transitions: list[Transition] = Field(default_factory=list)


class ParallelState(_StateBase):
    """Runs its branches independently and joins them; fires `done`, or `error` when the join fails."""

    type: Literal["parallel"]
    branches: list[Branch] = Field(min_length=1)
    join: Join = Field(default_factory=Join)


class SubflowState(_StateBase):
    """Runs another workflow as a child instance; resumes with `done` (child succeeded) or `error`."""

    type: Literal["subflow"]
    workflow: Identifier
    version: PositiveInt | None = Field(None, description="A fixed version; absent means the latest deployed.")
    input: dict[str, Expression] = Field(default_factory=dict, description="The child's context, by CEL.")
    output: Identifier | None = Field(None, description="The context key for the child's result.")


class FinalState(_StateBase):
    """Ends the instance with its outcome."""

    type: Literal["final"]
    outcome: Literal["success", "failure"] = "success"
    result: dict[str, Expression] = Field(
        default_factory=dict, description="The instance's result, each key computed by CEL."
    )


State = Annotated[
    Union[TaskState, ChoiceState, ApprovalState, WaitState, ParallelState, SubflowState, MapState,  # noqa: UP007
          FinalState],
    Field(discriminator="type"),
]

STATE_TYPES: tuple[str, ...] = ("task", "choice", "approval", "wait", "parallel", "subflow", "map", "final")

Branch.model_rebuild()
MapIterator.model_rebuild(_types_namespace={"State": State})
