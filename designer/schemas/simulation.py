"""The simulation request; the result model lives beside the simulator (designer.simulation)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from designer.schemas.rules import given, implies
from designer.simulation import MAX_EVENTS, SimulatedEvent

__all__ = ["SimulationRequest"]


class SimulationRequest(BaseModel):
    """What to run — exactly one of `definition`, `draft_id` or `workflow_id` (+ `version`) — and on what."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [given("definition"), given("draft_id"), given("workflow_id")],
            **implies(given("version"), given("workflow_id")),
        },
    )

    definition: Any = Field(None, description="Unsaved editor content (any JSON; must be a valid workflow).")
    draft_id: str | None = Field(None, max_length=64)
    workflow_id: str | None = Field(None, max_length=128)
    version: int | None = Field(None, ge=1, le=2_147_483_647)
    context: dict[str, Any] | None = Field(None, description="The start context (default: the example's, or {}).")
    events: list[SimulatedEvent] | None = Field(None, max_length=MAX_EVENTS)
    example: str | None = Field(None, max_length=128, description="Use this example's context and events.")

    @model_validator(mode="after")
    def _one_target(self) -> SimulationRequest:
        given = [n for n in ("definition", "draft_id", "workflow_id") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'definition', 'draft_id' or 'workflow_id'")
        if self.version is not None and self.workflow_id is None:
            raise ValueError("'version' goes with 'workflow_id'")
        return self
