"""Side-effect-free checks of editor content: validation and analysis reports."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from designer.schemas.rules import given
from engine.validation.analysis import Analysis
from engine.validation.findings import Finding

__all__ = ["AnalysisReport", "DefinitionBody", "ValidationReport"]


class DefinitionBody(BaseModel):
    """A definition to check: `definition` (any JSON value) or `source` (JSON text, for line/column)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"oneOf": [given("definition"), given("source")]})

    definition: Any = Field(None, description="The workflow JSON, as the editor holds it; need not be valid.")
    source: str | None = Field(None, max_length=2_000_000, description="The workflow as JSON text.")

    @model_validator(mode="after")
    def _one_given(self) -> DefinitionBody:
        if (self.definition is None) == (self.source is None):
            raise ValueError("give exactly one of 'definition' or 'source'")
        return self

    @property
    def document(self) -> Any:
        """What the checker loads: text is parsed, any other value taken as it is. A JSON string given as
        `definition` is that value, not JSON text to parse (that is `source`): it is refused as a definition that
        is not an object, as `statewright validate` refuses a file holding a string."""
        if self.source is not None:
            return self.source
        return json.dumps(self.definition) if isinstance(self.definition, str) else self.definition


class ValidationReport(BaseModel):
    valid: bool
    errors: int
    warnings: int
    findings: list[Finding]

    @classmethod
    def of(cls, findings: list[Finding]) -> ValidationReport:
        errors = sum(1 for f in findings if f.severity == "error")
        return cls(valid=errors == 0, errors=errors, warnings=len(findings) - errors, findings=findings)


class AnalysisReport(BaseModel):
    valid: bool
    findings: list[Finding]
    summary: Analysis

    @classmethod
    def of(cls, findings: list[Finding], summary: Analysis) -> AnalysisReport:
        """`valid` as in `ValidationReport`: false when the only errors are actions with no handler on this server
        (`unknown-action`), which leave the flow analysable but not publishable here."""
        return cls(valid=not any(f.severity == "error" for f in findings), findings=findings, summary=summary)
