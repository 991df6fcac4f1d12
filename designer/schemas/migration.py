"""Migrating running instances on the wire: the apply request (write), the preview and its result (read)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.runtime.migration import MigrationReport
from engine.runtime.migration_groups import PlanPage

__all__ = ["MAP_PAIRS_PATTERN", "InstancePlanRead", "MigrationApply", "MigrationRead", "PendingWorkRead",
           "PlanGroupRead", "RefusalRead", "WorkCountRead"]

_STATE = r"^[A-Za-z_][A-Za-z0-9_\-]*$"
_VERSION = Field(ge=1, le=2_147_483_647)
_PAIR = r"[A-Za-z_][A-Za-z0-9_\-]*:[A-Za-z_][A-Za-z0-9_\-]*"
MAP_PAIRS_PATTERN = rf"^{_PAIR}(,{_PAIR})*$"
"""The `map` query parameter: old_state:new_state pairs, comma-separated (said in words when it fails:
designer/_error_words.py)."""
_ENTRY = Literal["carried", "entered", "awaits_redrive"]
_ENTRY_WORDS = ("carried: its open work is kept; entered: the state is entered afresh in the new version; "
                "awaits_redrive: a failed or stuck instance moved as it is, still failed, for a redrive to resume "
                "under the new version.")
_ALLOW_FINAL = ("Allow moving instances into a final state they are not already in (it ends them — at once, or a "
                "failed one at its redrive — without the work their state waited for); refused otherwise.")


class MigrationApply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_version: int = _VERSION
    to_version: int = _VERSION
    mapping: dict[str, str] = Field(
        default_factory=dict, max_length=500,
        description="Old state → new state, for states the new version renamed or dropped.",
        json_schema_extra={"propertyNames": {"pattern": _STATE, "maxLength": 128},
                           "additionalProperties": {"type": "string", "pattern": _STATE, "maxLength": 128}})
    allow_final: bool = Field(False, description=_ALLOW_FINAL)


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
    entry: _ENTRY | None = Field(description=_ENTRY_WORDS)
    context_valid: bool
    context_problems: list[str]
    pending: list[PendingWorkRead]
    refused: str | None = Field(description="Why it cannot be migrated safely (it is left untouched).")
    notes: list[str]


class WorkCountRead(BaseModel):
    kind: Literal["timer", "event_wait", "approval", "action", "child"]
    outcome: Literal["carried", "cancelled", "untouched"]
    count: int


class PlanGroupRead(BaseModel):
    """The instances the migration does the same to (one state, one target, one way in, one refusal)."""

    state: str
    target_state: str | None = Field(description="None: the state is not in the new version and not mapped.")
    state_change: Literal["kept", "mapped", "missing"]
    entry: _ENTRY | None = Field(description=_ENTRY_WORDS)
    refused: str | None = Field(description="Why its instances cannot be migrated safely (left untouched).")
    instances: int
    context_invalid: int = Field(description="Of its instances, those whose context does not fit the new schema.")
    context_problems: list[str] = Field(description="Their context problems, each once (up to 10).")
    work: list[WorkCountRead] = Field(description="Their open work counted by kind and outcome.")
    notes: list[str] = Field(description="What entering the state afresh starts (and drops), each once.")
    example: str = Field(description="The first of its instances by id.")


class RefusalRead(BaseModel):
    reason: str
    instances: int


class MigrationRead(BaseModel):
    workflow_id: str
    from_version: int
    to_version: int
    mapping: dict[str, str] = Field(description="Old state → new state: the mapping the plans follow (the draft's "
                                    "renames included).")
    renames: dict[str, str] = Field(description="Of `mapping`, the states the draft renamed, mapped to their new ids "
                                    "by the draft preview (unless `map` maps them otherwise); {} elsewhere.")
    allow_final: bool = Field(description=_ALLOW_FINAL)
    applied: bool = Field(description="False: a preview, nothing changed.")
    instances: int = Field(description="The instances of from_version listed: running, held, stuck, and failed ones "
                           "a redrive could resume.")
    failed_or_stuck: int = Field(description="Of `instances`, the failed or stuck ones (moved as they are, for a "
                                 "redrive to resume under to_version).")
    would_migrate: int
    refused: int
    refusals: list[RefusalRead]
    migrated: int = Field(description="How many instances were moved: an apply's `would_migrate`, 0 for a preview "
                          "(`statewright migrate --format json` says the same). Each plan of an apply that is not "
                          "refused is one of them.")
    groups: list[PlanGroupRead] = Field(description="Every listed instance, grouped by what the migration does to "
                                        "it, the largest group first; their `instances` add up to `instances`.")
    plans: list[InstancePlanRead] = Field(description="One page of the instances' plans, ordered by instance id "
                                          "(of one state's instances with `state=`).")
    next: str | None = Field(description="The `after` that lists the next page; null on the last page, and on an "
                             "apply's answer (which carries its first page only).")

    @classmethod
    def of(cls, report: MigrationReport, page: PlanPage) -> MigrationRead:
        return cls.model_validate({**report.counts(), "plans": [p.as_dict() for p in page.plans],
                                   "next": None if report.applied else page.next})
