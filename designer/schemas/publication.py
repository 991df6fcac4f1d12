"""Publishing with eyes open: what a draft would change, its findings, and the requests to publish one."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from designer.schemas.checks import ValidationReport
from designer.store.publication_requests import PublicationRequestRow
from engine.definition.diff import DefinitionDiff

__all__ = ["PublicationPreview", "PublicationRequestCreate", "PublicationRequestRead"]


class PublicationRequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=2000, description="What the publisher should know.")


class PublicationRequestRead(BaseModel):
    draft_id: str
    workflow_id: str | None
    title: str | None
    revision: int = Field(description="The draft's revision when it was asked for.")
    note: str | None
    requested_by: str
    requested_at: datetime

    @classmethod
    def of(cls, row: PublicationRequestRow) -> PublicationRequestRead:
        return cls(
            draft_id=row.draft_id,
            workflow_id=row.workflow_id,
            title=row.title,
            revision=row.revision,
            note=row.note,
            requested_by=row.requested_by,
            requested_at=row.requested_at,
        )


class PublicationPreview(BaseModel):
    draft_id: str
    workflow_id: str | None
    title: str | None
    revision: int
    base_version: int | None = Field(description="The version the draft was copied from (None: a new workflow).")
    published_version: int | None = Field(description="The latest published version of this id, if any.")
    next_version: int | None = Field(description="The version publishing would create.")
    replaces_other_flow: bool = Field(
        description="The draft started as a new workflow but its id is already published: publishing needs "
        "confirm_replace and makes it that flow's next version."
    )
    base_outdated: bool = Field(description="Versions were published since the draft's base version.")
    diff: DefinitionDiff | None = Field(description="From the published version to the draft (None: nothing "
                                        "published yet, or the draft does not fit the format).")
    report: ValidationReport
    request: PublicationRequestRead | None
