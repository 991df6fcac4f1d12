"""Generating a flow's test module: choose paths, write them, play each on the engine, keep those that pass."""

from __future__ import annotations

from pathlib import Path

from engine.definition import Workflow
from engine.testgen.coverage import Coverage, CoverageMode, choose_plans, drop_plans
from engine.testgen.planning import Plan
from engine.testgen.verification import failing_tests
from engine.testgen.writing import test_name, write_tests

__all__ = ["generate_tests"]


def generate_tests(workflow: Workflow, flow_path: Path, out: Path, mode: CoverageMode = "transitions", *,
                   command: str = "statewright testgen", verify: bool = True) -> tuple[list[Plan], Coverage]:
    """Write the test module to `out`; with `verify`, a path whose test fails on the engine is left out and
    reported in the coverage instead."""
    plans, coverage = choose_plans(workflow, mode)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(write_tests(workflow, flow_path, out, plans, coverage, command), encoding="utf-8")
    if not verify or not plans:
        return plans, coverage
    failures = failing_tests(out)
    failed = {n: failures[test_name(n + 1, plan)] for n, plan in enumerate(plans)
              if test_name(n + 1, plan) in failures}
    if failed:
        plans, coverage = drop_plans(workflow, plans, coverage, failed)
        out.write_text(write_tests(workflow, flow_path, out, plans, coverage, command), encoding="utf-8")
    return plans, coverage
