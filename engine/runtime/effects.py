"""Effects: what a decision asks the runtime to do. `decide` returns them; the runtime carries them out,
the database writes among them inside the transaction that records the transition."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from engine.definition import RetryRule
from storage.records import record

__all__ = [
    "ArmTimer",
    "AwaitEvent",
    "ClearWaits",
    "Complete",
    "Effect",
    "KeepMapList",
    "RequestApproval",
    "RunAction",
    "StartChild",
]


@record
class RunAction:
    state: str
    action: str
    input: dict[str, Any]
    agent: str | None = None
    retry: tuple[RetryRule, ...] = ()  # the task's retry rules, in order (none: one attempt)
    timeout_s: float | None = None
    agent_version: str | None = None  # the deployed version of `agent` it runs under
    budget_limit: float | None = None  # the agent's limit on the action's cost
    output_schema: dict[str, Any] | None = None  # the JSON Schema its output must meet (the context's, for its key)
    # the key the handler sees when it is not the job's own: a redriven task keeps the key of the run that failed
    idempotency_key: str | None = None


@record
class ArmTimer:
    fire: str  # the event it fires ('done', 'timeout'), or 'escalate'
    due_at: float


@record
class AwaitEvent:
    event_type: str
    correlation_key: str | None
    # a wait state's: with a correlation key it takes an event published for it before it armed (an ask's reply
    # must answer the question asked, so an ask does not)
    takes_earlier: bool = False


@record
class RequestApproval:
    state: str
    kind: str  # 'state', 'policy' or 'agent'
    users: tuple[str, ...]
    roles: tuple[str, ...]
    quorum: int = 1
    request: dict[str, Any] = field(default_factory=dict)
    due_at: float | None = None
    policy_id: str | None = None


@record
class StartChild:
    """A child instance: a subflow (another workflow), one branch of a parallel state, or a map's item."""

    kind: str  # 'subflow' or 'branch'
    workflow_id: str
    version: int | None
    branch: str  # the branch path for a parallel branch, '' for a subflow; a map item's ends in `#index`
    name: str
    context: dict[str, Any]
    parent_seq: int | None = None  # a map's later items: the seq of the step that entered the map, not this one
    reuse_from: int | None = None  # a redriven map's item or parallel branch: the visit whose child of the same
    # branch, if it succeeded, is carried over (its result kept, nothing run again) instead of run afresh


@record
class KeepMapList:
    """Entering a map: the list it maps over, kept for the visit (the step entering it) — every later batch of
    items starts from it, whatever the values it was read from do meanwhile."""

    items: tuple[Any, ...]
    reuses: int | None = None  # a redriven map: the visit whose succeeded items are carried over, not run again


@record
class ClearWaits:
    """Leaving a state that waits: disarm its timers, stop awaiting its event, close its open approval,
    cancel its pending action, cancel the children still running — each only where the state could have
    one (everything by default)."""

    timers: bool = True
    event_waits: bool = True
    approvals: bool = True
    jobs: bool = True
    children: bool = True


@record
class Complete:
    outcome: str  # 'success' or 'failure'
    result: dict[str, Any] | None = None


Effect = RunAction | ArmTimer | AwaitEvent | RequestApproval | StartChild | KeepMapList | ClearWaits | Complete
