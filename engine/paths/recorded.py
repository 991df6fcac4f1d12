"""What recorded runs say about a workflow version, in the shape the path analysis reads (loaded from the
database by engine.read_models.path_history; built by hand in tests)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Edge", "EdgeStats", "RecordedRuns"]

Edge = tuple[str, str, str]
"""(from state, event, to state) as the history records a transition."""


@dataclass(frozen=True, slots=True)
class EdgeStats:
    count: int
    mean_s: float


@dataclass
class RecordedRuns:
    runs: int  # finished instances read
    edges: dict[Edge, EdgeStats] = field(default_factory=dict)
    state_costs: dict[str, float] = field(default_factory=dict)  # mean cost recorded per visit of the state
    sequences: Counter[tuple[Edge, ...]] = field(default_factory=Counter)  # each finished run's transitions
    limited_to: int | None = None  # set when only the latest runs were read
