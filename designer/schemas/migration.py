"""Migrating running instances on the wire: the apply request (write), the preview and its result (read)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.runtime.migration import MigrationReport

__all__ = ["InstancePlanRead", "MigrationApply", "MigrationRead", "PendingWorkRead", "RefusalRead"]

_STATE = r"^[A-Za-z_][A-Za-z0-9_\-]*$"
_VERSION = Field(ge=1, le=2_147_483_647)


class MigrationApply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_version: int = _VERSION
    to_version: int = _VERSION
    mapping: dict[str, str] = Field(
        default_factory=dict, max_length=500,
        description="Old state → new state, for states the new version renamed or dropped.",
        json_schema_extra={"propertyNames": {"pattern": _STATE, "maxLength": 128},
                           "additionalProperties": {"type": "string", "pattern": _STATE, "maxLength": 128}})


class PendingWorkRead(BaseModel):
    kind: Literal["timer", "event_wait", "approval", "action", "child"]
    detail: str = Field(description="The piece of work in words (its fields below say the same for a program).")
    outcome: Literal["carried", "cancelled", "untouched"] = Field(
        description="untouched: the instance is refused, its open work stays as it is.")
    due_at: datetime | None = Field(None, description="A timer's due time (null for other kinds).")
    event: str | None = Field(None, description="The event a timer fires when due, or an event wait waits for.")
    correlation_key: str | None = Field(None, description="An event wait's correlation key, if it has one.")
    approval_id: int | None = Field(None, description="An approval's id.")
    approvals: int | None = Field(None, description="An approval's approve decisions so far (kept when carried, "
                                                    "dropped when cancelled).")
    quorum: int | None = Field(None, description="The approve decisions an approval needs.")


class InstancePlanRead(BaseModel):
    instance_id: str
    tenant: str
    status: str
    seq: int = Field(description="The instance's transitions when it was planned.")
    state: str
    target_state: str | None = Field(description="None: the state is not in the new version and not mapped.")
    state_change: Literal["kept", "mapped", "missing"]
    entry: Literal["carried", "entered"] | None = Field(
        description="carried: its open work is kept; entered: the state is entered afresh in the new version.")
    context_valid: bool
    context_problems: list[str]
    pending: list[PendingWorkRead]
    refused: str | None = Field(description="Why it cannot be migrated safely (it is left untouched).")
    notes: list[str]


class RefusalRead(BaseModel):
    reason: str
    instances: int


class MigrationRead(BaseModel):
    workflow_id: str
    from_version: int
    to_version: int
    mapping: dict[str, str]
    applied: bool = Field(description="False: a preview, nothing changed.")
    instances: int = Field(description="The running (held, stuck) instances of from_version listed.")
    would_migrate: int
    refused: int
    refusals: list[RefusalRead]
    migrated: list[str] = Field(description="The instances moved (an apply only).")
    plans: list[InstancePlanRead]

    @classmethod
    def of(cls, report: MigrationReport) -> MigrationRead:
        return cls.model_validate(report.as_dict())
