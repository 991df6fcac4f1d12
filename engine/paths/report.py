"""The path analysis's report: each simple path with its time and cost, the critical path, and the notes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Figures", "PathReport", "PathsReport", "StepReport"]


class Figures(BaseModel):
    """Seconds and cost from least to most; a worst of None: no declared limit (time) or unknown (cost)."""

    model_config = ConfigDict(frozen=True)

    best_s: float
    worst_s: float | None
    expected_s: float | None
    cost_best: float
    cost_worst: float | None
    cost_expected: float | None


class StepReport(Figures):
    """Leaving `state` by transition `transition`."""

    state: str
    transition: int = Field(description="Index into the workflow's `transitions`.")
    trigger: str | None
    dest: str
    recorded: int = Field(0, description="Times recorded runs took this transition.")


class PathReport(Figures):
    """One simple path; its worst time is None when some step has no declared limit, its expected time
    comes from recorded runs (None without them)."""

    number: int = Field(description="1-based, in the order the paths were found.")
    states: list[str]
    final: str
    outcome: str
    probability: float | None = Field(description="Share of recorded finished runs that took exactly this path.")
    runs_taken: int
    critical: bool = Field(description="The path with the longest worst case.")
    sla_at_risk: bool = Field(description="The worst case exceeds the workflow's `sla`.")
    unrecorded_steps: int = Field(0, description="Steps no recorded run took (their declared least time is used).")
    loops: list[int] = Field(default_factory=list, description="Transitions back to a state earlier on the path.")
    steps: list[StepReport]


class PathsReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    workflow: str
    version: int
    paths: list[PathReport]
    limit: int
    bounded: bool = Field(description="True when enumeration stopped at `limit`: there are more paths.")
    critical: int | None = Field(description="The number of the critical path.")
    sla_s: float | None
    basis: Literal["history", "declared"]
    runs: int = Field(description="Finished runs of this version read from the database.")
    runs_on_paths: int = Field(0, description="Runs that took one of the listed paths (the rest went round a loop).")
    min_runs: int = Field(description="Runs needed before probabilities are given.")
    notes: list[str]
