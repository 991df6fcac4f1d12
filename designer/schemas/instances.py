"""Instances on the wire: start, send, cancel (write); summary, detail, history entries (read)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.definition.paths import ContextPath
from engine.read_models.instances import InstanceRowView
from engine.runtime.clock import to_datetime
from engine.runtime.views import HistoryEntry, InstanceView
from engine.statuses import AttemptOutcome, InstanceStatus

__all__ = [
    "ActionAttemptRead",
    "CancelRequest",
    "HistoryEntryRead",
    "InstanceStart",
    "InstanceSummary",
    "RedriveRequest",
    "SendEvent",
]

_ID = r"^[A-Za-z_][A-Za-z0-9_\-]*$"


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InstanceStart(_Write):
    workflow_id: str = Field(max_length=128, pattern=_ID)
    version: int | None = Field(None, ge=1, le=2_147_483_647, description="Default: the latest.")
    context: dict[str, Any] = Field(default_factory=dict)
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)


class SendEvent(_Write):
    event: str = Field(max_length=128, pattern=_ID)
    payload: Any = None
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)


class RedriveRequest(_Write):
    set: dict[ContextPath, Any] = Field(
        default_factory=dict,
        description="Corrections to the context, made before the state is entered again: a key or dotted path "
        "(`enrichment.company.size`) and its new value each; checked against the workflow's context schema and "
        "recorded in the history as the redrive's context change.",
        json_schema_extra={"additionalProperties": False},  # a key that is no context path is refused (400)
    )


class CancelRequest(_Write):
    """Cancel's optional body: `{}` (or none). It has no fields yet; one sent is refused (400, named), not
    dropped without a word — a `reason` sent here would be recorded nowhere."""


class InstanceSummary(BaseModel):
    id: str
    workflow_id: str
    version: int = Field(description="The version of the workflow the instance runs; the same as `workflow_version`.")
    workflow_version: int = Field(description=(
        "The version of the workflow the instance runs, by the name the engine's instance view and the CLI's JSON "
        "give it (where `version` counts the instance's transitions)."))
    tenant: str
    state: str
    status: InstanceStatus
    parent_id: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: InstanceView | InstanceRowView) -> InstanceSummary:
        return cls(
            id=view.id,
            workflow_id=view.workflow_id,
            version=view.workflow_version,
            workflow_version=view.workflow_version,
            tenant=view.tenant,
            state=view.state,
            status=view.status,
            parent_id=view.parent_id,
            created_at=to_datetime(view.created_at),
            updated_at=to_datetime(view.updated_at),
        )


class ActionAttemptRead(BaseModel):
    attempt: int
    action: str
    agent: str | None
    outcome: AttemptOutcome = Field(description="'retry': a later attempt followed; 'lost': its worker stopped.")
    error: dict[str, Any] | None
    steps: list[dict[str, Any]] = Field(
        description="The tool calls the attempt made, in order: action, parameters, result or error, timestamp.")
    cost: float | None
    at: datetime

    @classmethod
    def of(cls, attempt: dict[str, Any]) -> ActionAttemptRead:
        return cls.model_validate({**attempt, "at": to_datetime(attempt["at"])})


class HistoryEntryRead(BaseModel):
    seq: int
    from_state: str | None
    to_state: str
    event: str
    actor: str | None
    payload: Any
    context_change: Any
    status: InstanceStatus
    guards: list[dict[str, Any]]
    policies: list[dict[str, Any]]
    at: datetime
    duration_s: float
    cost: float | None
    attempts: list[ActionAttemptRead] = Field(
        description="On the transition that left a task: each attempt of its action, with its tool calls.")

    @classmethod
    def of(cls, entry: HistoryEntry) -> HistoryEntryRead:
        return cls(
            seq=entry.seq,
            from_state=entry.from_state,
            to_state=entry.to_state,
            event=entry.event,
            actor=entry.actor,
            payload=entry.payload,
            context_change=entry.context_change,
            status=entry.status,
            guards=entry.guards,
            policies=entry.policies,
            at=to_datetime(entry.at),
            duration_s=entry.duration_s,
            cost=entry.cost,
            attempts=[ActionAttemptRead.of(a) for a in entry.attempts],
        )
