"""State types: task, choice, approval, wait, parallel, subflow, map, final."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, model_validator

from engine.definition.ask_user import AskUser
from engine.definition.base import EventType, Expression, Identifier, Model
from engine.definition.durations import IsoDuration
from engine.definition.error_kinds import ANY_ERROR, ErrorKind
from engine.definition.map_state import MapIterator, MapState
from engine.definition.paths import ContextPath
from engine.definition.scalars import StoredPositive, StrictFlag, StrictNumber, StrictPositive, StrictWhole
from engine.definition.transitions import Transition

__all__ = [
    "STATE_TYPES",
    "ActionName",
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
    "RetryRule",
    "State",
    "SubflowState",
    "TaskState",
    "WaitEvent",
    "WaitState",
    "retry_rules",
]


class _StateBase(Model):
    title: str | None = Field(None, max_length=200, description="A short label shown on the diagram.")
    description: str | None = Field(None, max_length=4000, description="What happens here, for people.")
    policies: list[Identifier] = Field(
        default_factory=list, description="Ids of workflow policies checked when the state is entered."
    )
    escalates: StrictFlag | None = Field(
        None, description="true: entering this state hands the case to a person (a hand-over task, a human queue), "
                          "so it counts towards the escalation rate. Approval states count without it.",
    )


class _Backoff(Model):
    """When an action is tried again, and how long each wait is."""

    max_attempts: StrictWhole = Field(3, ge=1, le=100, description="Attempts in all, the first one included.")
    backoff: Literal["fixed", "exponential"] = "exponential"
    initial_interval_s: StrictNumber = Field(1.0, gt=0, le=86_400)
    max_interval_s: StrictNumber = Field(300.0, gt=0, le=86_400 * 7)
    multiplier: StrictNumber = Field(2.0, ge=1, le=10)
    jitter: StrictFlag = Field(True, description="Randomise each wait by up to ±50% to spread retries.")


class Retry(_Backoff):
    """The single-policy shorthand: one rule for the kinds in `retry_on` (every kind when empty)."""

    retry_on: list[ErrorKind] = Field(
        default_factory=list,
        description="Error kinds worth retrying (e.g. 'timeout', 'rate_limited'); empty retries every kind.",
    )

    def rules(self) -> tuple[RetryRule, ...]:
        """The shorthand as the one rule it means."""
        return (RetryRule(errors=list(self.retry_on), **self.model_dump(exclude={"retry_on"})),)


class RetryRule(_Backoff):
    """One rule of a task's `retry` list: how failures of the kinds in `errors` are tried again. The first
    rule naming a failure's kind (or '*', or with no `errors`) applies; a kind no rule names is not retried.
    `max_attempts` counts the first attempt plus the retries this rule made."""

    errors: list[ErrorKind] = Field(
        default_factory=list, description="The error kinds it applies to; empty or ['*'] is every kind."
    )

    @property
    def catches_all(self) -> bool:
        return not self.errors or ANY_ERROR in self.errors

    def matches(self, kind: str) -> bool:
        return self.catches_all or kind in self.errors


def _retry_form(value: Any) -> str | None:
    """Which form a `retry` is written in, so that a mistake is reported against that form alone."""
    if isinstance(value, dict | Retry):
        return "retry:policy"
    return "retry:rules" if isinstance(value, list | tuple) else None


# The tags carry a ':' (no field name does), so that a finding's pointer leaves them out.
RetrySpec = Annotated[
    Annotated[Retry, Tag("retry:policy")]
    | Annotated[list[RetryRule], Field(min_length=1, max_length=20), Tag("retry:rules")],
    Discriminator(_retry_form, custom_error_type="retry_form",
                  custom_error_message="'retry' must be a list of retry rules, or one retry policy object"),
]


def retry_rules(retry: Retry | list[RetryRule] | None) -> tuple[RetryRule, ...]:
    """A task's `retry` in its one meaning: the ordered rules (none: one attempt)."""
    if retry is None:
        return ()
    if isinstance(retry, Retry):
        return retry.rules()
    return tuple(retry)


# What a task's `action` may be: an identifier, or identifiers joined by dots ('crm.contacts.search'). A handler is
# registered under such a name (`HandlerRegistry.register` checks it with this very type), so a name no definition
# could write is refused at registration rather than left to wait for a task that can never name it.
ActionName = Identifier | Annotated[str, Field(pattern=r"^[A-Za-z_][\w\-]*(\.[A-Za-z_][\w\-]*)+$")]


class TaskState(_StateBase):
    """Runs an action (optionally on behalf of an agent), then fires `done` or `error`."""

    type: Literal["task"]
    action: ActionName = Field(
        description="The name of a handler the host application registered, e.g. 'extract_lead'."
    )
    agent: Identifier | None = Field(None, description="The agent performing the action (definitions/agents).")
    input: dict[str, Expression] = Field(
        default_factory=dict, description="The action's input: each key computed by a CEL expression."
    )
    output: ContextPath | None = Field(
        None, description="Where the action's result is stored: a context key or a dotted path into nested objects."
    )
    retry: RetrySpec | None = Field(
        None, description="How failed attempts are tried again: ordered rules by error kind (the first that "
        "names the kind applies), or one policy object (shorthand for one rule)."
    )
    timeout_s: StrictNumber | None = Field(None, gt=0, le=86_400, description="Seconds before an attempt fails.")
    ask_user: AskUser | None = Field(
        None, description="Recovery by asking the requester: on a failure of the named kinds (after the retries), "
                          "wait for their reply, then run the action again with it.")


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
    quorum: StoredPositive = Field(1, description="How many approvals are needed; one rejection rejects.")
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
    type: EventType = Field(description="The event type awaited, e.g. 'payment_received' or "
                                        "'statewright.instance.finished'.")
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
    output: ContextPath | None = Field(None, description="With `event`: the context key or path for its payload.")

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
    quorum: StrictPositive | None = Field(None, description="With mode 'quorum': how many.")
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
    version: StoredPositive | None = Field(None, description="A fixed version; absent means the latest deployed.")
    input: dict[str, Expression] = Field(default_factory=dict, description="The child's context, by CEL.")
    output: ContextPath | None = Field(None, description="The context key or path for the child's result.")


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
