"""What the engine hands back: plain, frozen views of instances, history, approvals, deployments, replays."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from engine.runtime.clock import to_rfc3339
from engine.runtime.snapshot import TERMINAL

if TYPE_CHECKING:
    from engine.validation.findings import Finding

__all__ = [
    "ApprovalView",
    "DeployedAgentRef",
    "DeployedRef",
    "HistoryEntry",
    "InstanceView",
    "PublishResult",
    "ReplayReport",
    "TrailStep",
]


def asdict(view: object) -> dict[str, Any]:
    """The view's fields as a dict, its values shared, not copied: `dataclasses.asdict` recurses into every
    nested dict and list, and a context nested some hundreds of levels deep (stored before the engine refused
    such input, docs/runtime.md#limits) would raise RecursionError instead of being shown."""
    return {f.name: getattr(view, f.name) for f in fields(view)}  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class DeployedRef:
    workflow_id: str
    version: int
    created: bool  # False when this exact content was deployed before
    # what validation warns about in it (an unknown variable in a guard, an unknown error kind): deployed all the
    # same, unless `deploy(..., strict=True)`; each also logged on `statewright.deploy`. For a model built in code,
    # which answers for its own graph, the errors the graph's checks find in it too (`deploy_warnings`)
    warnings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class DeployedAgentRef:
    agent_id: str
    version: str
    created: bool  # False when this exact content was deployed before
    # what validation warns about in it — an agent's checks find errors only, so this is a file's own warning, a
    # file named otherwise than its id (`file-name-not-id`) — deployed all the same, and logged on
    # `statewright.deploy`, as `DeployedRef.warnings` are
    warnings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class InstanceView:
    id: str
    workflow_id: str
    workflow_version: int
    tenant: str
    state: str
    status: str
    context: dict[str, Any]
    result: Any
    error: Any
    version: int
    parent_id: str | None
    branch: str
    created_at: float
    updated_at: float
    # True when the command repeated one done before and nothing new was done: a repeated idempotency key answered
    # with the response kept for the first request (`engine.runtime.idempotency.kept_response`), or an approver's
    # decision they had taken already — after the first, or racing it (`engine.runtime.approvals`). Not part of
    # the instance: left out of `as_dict`/`as_record`.
    replayed: bool = field(default=False, compare=False)

    @property
    def ended(self) -> bool:
        return self.status in TERMINAL

    def as_dict(self) -> dict[str, Any]:
        found = self.as_record()
        found["created_at"] = to_rfc3339(self.created_at)
        found["updated_at"] = to_rfc3339(self.updated_at)
        return found

    def as_record(self) -> dict[str, Any]:
        """Lossless form (times as numbers), kept by idempotency receipts."""
        found = asdict(self)
        del found["replayed"]
        return found

    @classmethod
    def from_record(cls, record: dict[str, Any], *, replayed: bool = False) -> InstanceView:
        return cls(**record, replayed=replayed)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    instance_id: str
    seq: int
    from_state: str | None
    to_state: str
    event: str
    actor: str | None
    payload: Any
    context_change: Any
    status: str
    guards: list[dict[str, Any]]
    policies: list[dict[str, Any]]
    at: float
    duration_s: float
    cost: float | None
    # On the transition that left a task (its done/error, or whatever else ended it): each attempt of its
    # action — outcome, error, cost and the tool calls (steps: action, parameters, result, timestamp) it made.
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["at"] = to_rfc3339(self.at)
        found["attempts"] = [{**attempt, "at": to_rfc3339(attempt["at"])} for attempt in self.attempts]
        return found


@dataclass(frozen=True, slots=True)
class TrailStep:
    """One transition, in brief (`Engine.trail`): what an instance's path, its diagram and its cost need."""

    seq: int
    from_state: str | None
    to_state: str
    event: str
    actor: str | None
    cost: float | None


@dataclass(frozen=True, slots=True)
class ApprovalView:
    id: int
    instance_id: str
    workflow_id: str
    tenant: str
    state: str
    kind: str
    policy_id: str | None
    quorum: int
    request: dict[str, Any]
    status: str
    due_at: float | None
    users: list[str]
    roles: list[str]
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["due_at"] = None if self.due_at is None else to_rfc3339(self.due_at)
        return found


@dataclass(frozen=True, slots=True)
class PublishResult:
    event_id: int
    duplicate: bool  # the idempotency key was seen before: nothing new happened
    started: list[str]
    delivered: list[str]
    # it reached nothing now and nothing can take it later: no correlation key keeps it for a later wait, or no
    # deployed workflow starts on, waits for or asks for a reply of its type (a misspelt type)
    unmatched: bool = False
    # the instances whose wait did not take it (its payload does not fit where the wait stores it), and why:
    # they go on waiting
    refused: dict[str, str] = field(default_factory=dict)
    # until when a wait that arms later with its correlation key may take it (seconds since the epoch); None when
    # it is not kept (no key, `keep_for=0`) or a wait took it
    kept_until: float | None = None
    # some deployed workflow starts on, waits for or asks for a reply of its type (False for a misspelt type)
    listened: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ReplayReport:
    instance_id: str
    matches: bool
    history_rows: int
    rebuilt: dict[str, Any]
    stored: dict[str, Any]
    differences: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
