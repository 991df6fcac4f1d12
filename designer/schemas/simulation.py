"""The simulation request; the result model lives beside the simulator (designer.simulation)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from designer.schemas.rules import given, implies
from designer.simulation import MAX_EVENTS, SimulatedEvent
from engine.testgen.playback import RouteStep

__all__ = ["PathPlayRequest", "RouteStepBody", "SimulationRequest", "SimulationTarget"]

MAX_ROUTE = 200


class SimulationTarget(BaseModel):
    """What to run: exactly one of `definition`, `draft_id` or `workflow_id` (+ `version`)."""

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

    @model_validator(mode="after")
    def _one_target(self) -> SimulationTarget:
        given = [n for n in ("definition", "draft_id", "workflow_id") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'definition', 'draft_id' or 'workflow_id'")
        if self.version is not None and self.workflow_id is None:
            raise ValueError("'version' goes with 'workflow_id'")
        return self


class SimulationRequest(SimulationTarget):
    """What to run, and on what: a context and events, or an example's."""

    context: dict[str, Any] | None = Field(None, description="The start context (default: the example's, or {}).")
    events: list[SimulatedEvent] | None = Field(None, max_length=MAX_EVENTS)
    example: str | None = Field(None, max_length=128, description="Use this example's context and events.")


class RouteStepBody(BaseModel):
    """A step of a route: leaving `state` by transition `transition` — or a step of the Paths report as it lists
    it, whose other fields (what the transition does, and the step's figures) are taken and not used."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    state: str = Field(min_length=1, max_length=128)
    transition: int = Field(ge=0, le=10_000, description="Index into the workflow's `transitions`.")
    trigger: str | None = Field(None, description="As the Paths report lists it; not used.")
    dest: str | None = Field(None, description="As the Paths report lists it; not used.")
    recorded: int | None = Field(None, description="As the Paths report lists it; not used.")
    best_s: float | None = Field(None, description="As the Paths report lists it; not used.")
    worst_s: float | None = Field(None, description="As the Paths report lists it; not used.")
    expected_s: float | None = Field(None, description="As the Paths report lists it; not used.")
    cost_best: float | None = Field(None, description="As the Paths report lists it; not used.")
    cost_worst: float | None = Field(None, description="As the Paths report lists it; not used.")
    cost_expected: float | None = Field(None, description="As the Paths report lists it; not used.")

    def step(self) -> RouteStep:
        return RouteStep(state=self.state, transition=self.transition)


class PathPlayRequest(SimulationTarget):
    """Which flow, and which of its paths: the steps a path of the Paths panel's report lists."""

    route: list[RouteStepBody] = Field(min_length=1, max_length=MAX_ROUTE,
                                       description="The path as (state, transition) steps from the initial state "
                                                   "to a final state; a Paths report's steps as they are listed.")
