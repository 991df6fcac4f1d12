"""Import and export of other formats (ASL, SCXML, XState): the request and response shapes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.validation.findings import Finding

__all__ = ["ImportBody", "ImportReport", "InteropFormat"]

InteropFormat = Literal["asl", "scxml", "xstate"]


class ImportBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=2_000_000, description="The document: ASL or XState JSON, or SCXML.")
    id: str = Field("imported", pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$", max_length=128,
                    description="The id the imported workflow gets.")


class ImportReport(BaseModel):
    """The imported definition (null when refused) and every finding: the importer's, then validation's."""

    imported: bool
    definition: dict[str, Any] | None
    findings: list[Finding]
