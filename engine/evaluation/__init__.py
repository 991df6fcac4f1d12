"""The evaluation harness: run a workflow over labelled cases and measure it with the design document's metrics.

    cases = load_cases(Path("definitions/evals/lead_qualification.jsonl"))
    report = evaluate(engine, workflow, cases)        # handlers registered on `engine` beforehand
    report.metrics.as_dict()                           # success rate, latency, QA score, cost, accuracy, ...
    report.as_dict()["side_effects_failed"]            # the cases whose expected sandbox rows were not written
    report.runs[0].error                               # the error that ended a run that did not succeed, or None
"""

from __future__ import annotations

from engine.evaluation.case_errors import CaseError
from engine.evaluation.cases import EvalCase, load_cases
from engine.evaluation.metrics import Metrics, compute_metrics
from engine.evaluation.runner import CaseRun, EvalReport, evaluate
from engine.evaluation.side_effects import SideEffect, SideEffectCheck

__all__ = ["CaseError", "CaseRun", "EvalCase", "EvalReport", "Metrics", "SideEffect", "SideEffectCheck",
           "compute_metrics", "evaluate", "load_cases"]
