"""Path time and cost: every simple path of a workflow with its best, worst and expected time and cost, from
the definition (timeouts, waits, approval due times, retry schedules, agent budgets and model prices) and,
when given, from recorded runs. See docs/testing-flows.md ("Time and cost of each path")."""

from __future__ import annotations

from engine.paths.analysis import MIN_RUNS, PATH_LIMIT, analyze_paths
from engine.paths.prices import ModelRate, read_price_file
from engine.paths.recorded import EdgeStats, RecordedRuns
from engine.paths.report import PathReport, PathsReport, StepReport

__all__ = ["MIN_RUNS", "PATH_LIMIT", "EdgeStats", "ModelRate", "PathReport", "PathsReport", "RecordedRuns",
           "StepReport", "analyze_paths", "read_price_file"]
