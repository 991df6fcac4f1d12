"""Import and export of other formats (ASL, SCXML, XState): the request and response shapes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.validation.findings import Finding

__all__ = ["ImportBody", "ImportReport", "InteropFormat", "ReadAs"]

InteropFormat = Literal["asl", "scxml", "xstate"]
ReadAs = Literal["asl", "scxml", "xstate", "statewright"]


class ImportBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=2_000_000,
                        description="The document: ASL or XState JSON, or SCXML (or a Statewright definition).")
    id: str = Field("imported", pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$", max_length=128,
                    description="The id the imported workflow gets.")


class ImportReport(BaseModel):
    """The imported definition (null when refused) and every finding: the importer's, then validation's."""

    imported: bool = Field(description="Whether it opens as a new draft: a document that mapped and validates, or "
                                       "a Statewright definition (taken as it is; a draft may have problems).")
    read_as: ReadAs = Field(description="The format it was read in: the one asked for, or 'statewright' for a "
                                        "Statewright definition, recognised whatever format was asked for.")
    definition: dict[str, Any] | None
    findings: list[Finding]
