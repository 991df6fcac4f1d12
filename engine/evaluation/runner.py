"""Running the cases: each one started, settled and driven through its events, then judged by its labels and
the side effects its run wrote to the sandbox; a run that an error ended says which (case_errors.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.definition import Workflow
from engine.evaluation.case_errors import CaseError, case_error, case_error_from
from engine.evaluation.cases import EvalCase
from engine.evaluation.document_paths import is_missing, read_path
from engine.evaluation.metrics import Metrics, compute_metrics
from engine.evaluation.side_effects import SandboxTables, SideEffectCheck
from engine.runtime.engine import Engine
from engine.runtime.example_run import drive
from engine.runtime.job_payloads import JobKind
from engine.runtime.views import HistoryEntry, InstanceView
from storage.jobs import JobStore
from storage.statuses import JobStatus

__all__ = ["CaseRun", "EvalReport", "evaluate"]


@dataclass(frozen=True, slots=True)
class CaseRun:
    case: EvalCase
    view: InstanceView
    history: list[HistoryEntry]
    wall_s: float
    mismatches: list[str] = field(default_factory=list)
    side_effects: list[SideEffectCheck] = field(default_factory=list)
    error: CaseError | None = None  # the error that ended a run which did not succeed

    @property
    def passed(self) -> bool:
        return not self.mismatches

    @property
    def side_effects_passed(self) -> bool:
        return all(c.passed for c in self.side_effects)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.case.name, "instance_id": self.view.id, "state": self.view.state,
                "status": self.view.status, "expect_state": self.case.example.expect_state,
                "labelled": self.case.labelled, "passed": self.passed, "mismatches": self.mismatches,
                "side_effects": [c.as_dict() for c in self.side_effects],
                "error": None if self.error is None else self.error.as_dict(),
                "cost": round(sum(e.cost or 0.0 for e in self.history), 8), "wall_s": round(self.wall_s, 4)}


@dataclass(frozen=True, slots=True)
class EvalReport:
    workflow_id: str
    version: int
    runs: list[CaseRun]
    metrics: Metrics

    def as_dict(self) -> dict[str, Any]:
        return {"workflow": self.workflow_id, "version": self.version, "metrics": self.metrics.as_dict(),
                "cases": [r.as_dict() for r in self.runs],
                "side_effects_failed": [r.case.name for r in self.runs if not r.side_effects_passed]}


def judge(case: EvalCase, view: InstanceView) -> list[str]:
    """What differs from the case's labels, one line each (empty when it matches)."""
    found: list[str] = []
    expected_state = case.example.expect_state
    if expected_state is not None and view.state != expected_state:
        found.append(f"state: expected {expected_state}, got {view.state}")
    for path, wanted in case.expect.items():
        source, rest = (view.result, path.removeprefix("result.")) if path.startswith("result.") else (
            view.context, path)
        got = read_path(source, rest)
        if is_missing(got):
            found.append(f"{path}: expected {wanted!r}, missing")
        elif got != wanted:
            found.append(f"{path}: expected {wanted!r}, got {got!r}")
    return found


def _left_for_a_retry(engine: Engine, view: InstanceView, max_wait: float, secrets: Iterable[str]) -> CaseError | None:
    """Why a run that has not ended was left: a task's failure whose retry is due past `max_wait` (a provider's
    `Retry-After: 120`) — the error it failed with and when the retry is due — else None."""
    if view.ended:
        return None
    now = engine.clock.now()
    jobs = engine.runtime.read(lambda tx: JobStore(tx).for_instance(view.id))
    for job in jobs:
        if job.kind != JobKind.ACTION or job.status != JobStatus.READY or job.attempt < 2:
            continue
        said = job.last_error if isinstance(job.last_error, dict) else {}
        message = (f"{said.get('message') or 'its attempt failed'}; attempt {job.attempt} of "
                   f"'{job.payload.get('action')}' is due in {max(job.due_at - now, 0.0):.0f} s, past the "
                   f"{max_wait:g} s eval waits for a retry")
        return case_error_from(str(said.get("kind") or "error"), message, job.payload.get("state"), secrets)
    return None


def evaluate(engine: Engine, workflow: Workflow, cases: list[EvalCase], *, max_wait: float = 30.0,
             secrets: Iterable[str] = (), on_case: Callable[[int, CaseRun], None] | None = None) -> EvalReport:
    """Deploy `workflow` on `engine` (its handlers registered already) and run every case in order; a case's
    side effects are counted among the sandbox rows written from its start on. `secrets` are redacted from the
    errors the report quotes (with anything shaped like a key or a token). `on_case` hears of each case as it
    ends (its number from 1, its run): a model's cases take seconds each, and may raise to stop the run."""
    secrets = tuple(secrets)
    tables = SandboxTables(engine.database)
    tables.require([effect for case in cases for effect in case.side_effects])
    deployed = engine.deploy(workflow)
    runs: list[CaseRun] = []
    for case in cases:
        started, since = time.monotonic(), engine.clock.now()
        view = drive(engine, deployed.workflow_id, deployed.version, dict(case.example.context), case.example,
                     max_wait=max_wait)
        wall = time.monotonic() - started
        checks = [tables.check(effect, since) for effect in case.side_effects]
        mismatches = judge(case, view) + [m for m in (c.mismatch() for c in checks) if m is not None]
        history = engine.history(view.id)
        error = case_error(view, history, secrets) or _left_for_a_retry(engine, view, max_wait, secrets)
        runs.append(CaseRun(case, view, history, wall, mismatches, checks, error))
        if on_case is not None:
            on_case(len(runs), runs[-1])
    return EvalReport(deployed.workflow_id, deployed.version, runs, compute_metrics(engine.database, runs))
