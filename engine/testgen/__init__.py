"""Model-based test generation: paths through a flow that cover its transitions (and guards, or every simple
path), written as pytest tests that drive the real engine with stub handlers. See docs/testing-flows.md."""

from __future__ import annotations

from engine.testgen.coverage import Coverage, CoverageMode, choose_plans
from engine.testgen.planning import Plan
from engine.testgen.writing import coverage_lines, write_tests

__all__ = ["Coverage", "CoverageMode", "Plan", "choose_plans", "coverage_lines", "write_tests"]
