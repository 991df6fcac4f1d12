"""Drafts on the wire: what a client sends to create or save one, and what it reads back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from designer.schemas.rules import given, implies, set_true
from designer.store.drafts import DraftRow

__all__ = ["DraftCreate", "DraftRead", "DraftSummary", "DraftUpdate", "PublishOptions"]

_ID = r"^[A-Za-z_][A-Za-z0-9_\-]*$"


class DraftCreate(BaseModel):
    """Either `content` (any JSON object), or `workflow_id` (+ `base_version`) to copy a published version."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [given("content"), given("workflow_id")],
            **implies(set_true("new_workflow"), {**given("content"), "not": given("base_version")}),
        },
    )

    content: dict[str, Any] | None = Field(None, description="The draft; need not be a valid workflow.")
    workflow_id: str | None = Field(None, max_length=128, pattern=_ID, description="Copy this definition.")
    base_version: int | None = Field(None, ge=1, le=2_147_483_647, description="The version it starts from.")
    new_workflow: bool = Field(
        False,
        description="`content` starts a new workflow: refuse (409 id-taken) when its id is already a published "
        "workflow's or another new workflow's draft.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> DraftCreate:
        if (self.content is None) == (self.workflow_id is None):
            raise ValueError("give exactly one of 'content' or 'workflow_id'")
        if self.new_workflow and (self.content is None or self.base_version is not None):
            raise ValueError("'new_workflow' goes with 'content' and without 'base_version'")
        return self


class DraftUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: dict[str, Any]
    expected_revision: int | None = Field(
        None, ge=1, le=2_147_483_647, description="Refuse (409) when the draft was saved since this revision."
    )


class PublishOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirm_replace: bool = Field(
        False,
        description="Publish even though the draft started as a new workflow and its id is already published: "
        "its content becomes the next version of that other flow.",
    )


class DraftSummary(BaseModel):
    id: str
    workflow_id: str | None
    title: str | None
    base_version: int | None
    revision: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime

    @classmethod
    def of(cls, row: DraftRow) -> DraftSummary:
        return cls(**_fields(row))


class DraftRead(DraftSummary):
    content: dict[str, Any]

    @classmethod
    def of(cls, row: DraftRow) -> DraftRead:
        return cls(**_fields(row), content=row.content)


def _fields(row: DraftRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "workflow_id": row.workflow_id,
        "title": row.title,
        "base_version": row.base_version,
        "revision": row.revision,
        "created_by": row.created_by,
        "created_at": row.created_at,
        "updated_by": row.updated_by,
        "updated_at": row.updated_at,
    }
