"""The design document's metric tables, computed from the instances' histories.

Agent performance, over task executions (a history entry leaving a task state on `done` or `error`):
success rate, average latency (the action's duration), QA score (the average of `qa_field` in the final
contexts that have it), cost per task (per action and per instance), tool success rate (the tool calls the
attempts recorded as steps that did not fail; None when no attempt called a tool).
Workflow metrics, over instances: completion rate (ended with a success outcome), average duration, retry rate
(an action attempted more than once, or a task state entered twice), escalation rate (passed an approval
state or a state whose id names an escalation), and accuracy against the labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from statistics import fmean
from typing import TYPE_CHECKING, Any

from engine.definition import ApprovalState, TaskState, Workflow
from engine.evaluation.cases import is_missing, read_path
from engine.runtime.views import HistoryEntry

if TYPE_CHECKING:
    from engine.evaluation.runner import CaseRun

__all__ = ["Metrics", "compute_metrics", "escalation_states"]


@dataclass(frozen=True, slots=True)
class Metrics:
    cases: int
    task_runs: int
    success_rate: float | None
    average_latency_s: float | None
    tool_success_rate: float | None
    qa_score: float | None
    cost_per_task: float | None
    cost_per_instance: float
    completion_rate: float
    average_duration_s: float
    retry_rate: float
    escalation_rate: float
    labelled: int
    accuracy: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def escalation_states(workflow: Workflow) -> set[str]:
    return {name for name, state in workflow.states.items()
            if isinstance(state, ApprovalState) or "escalat" in name}


def _task_entries(workflow: Workflow, history: list[HistoryEntry]) -> list[HistoryEntry]:
    tasks = {n for n, s in workflow.states.items() if isinstance(s, TaskState)}
    return [e for e in history if e.from_state in tasks and e.event in ("done", "error")]


def _retried(workflow: Workflow, history: list[HistoryEntry]) -> bool:
    tasks = [e.to_state for e in history if isinstance(workflow.states.get(e.to_state), TaskState)]
    return len(tasks) != len(set(tasks)) or any(len(e.attempts) > 1 for e in history)


def _tool_calls(tasks: list[HistoryEntry]) -> list[dict[str, Any]]:
    return [step for e in tasks for attempt in e.attempts for step in attempt.get("steps") or ()
            if isinstance(step, dict)]


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def compute_metrics(workflow: Workflow, runs: Sequence[CaseRun], qa_field: str = "qa.total") -> Metrics:
    tasks = [e for r in runs for e in _task_entries(workflow, r.history)]
    escalations = escalation_states(workflow)
    qa = [v for r in runs if not is_missing(v := read_path(r.view.context, qa_field)) and isinstance(v, int | float)]
    total_cost = sum(e.cost or 0.0 for r in runs for e in r.history)
    labelled = [r for r in runs if r.case.labelled]
    calls = _tool_calls(tasks)
    n = len(runs)
    return Metrics(
        cases=n,
        task_runs=len(tasks),
        success_rate=_rate(sum(e.event == "done" for e in tasks), len(tasks)),
        average_latency_s=round(fmean(e.duration_s for e in tasks), 4) if tasks else None,
        tool_success_rate=_rate(sum("error" not in step for step in calls), len(calls)),
        qa_score=round(fmean(qa), 4) if qa else None,
        cost_per_task=round(total_cost / len(tasks), 8) if tasks else None,
        cost_per_instance=round(total_cost / n, 8) if n else 0.0,
        completion_rate=_rate(sum(r.view.status == "succeeded" for r in runs), n) or 0.0,
        average_duration_s=round(fmean(r.history[-1].at - r.history[0].at for r in runs), 4) if n else 0.0,
        retry_rate=_rate(sum(_retried(workflow, r.history) for r in runs), n) or 0.0,
        escalation_rate=_rate(sum(any(e.to_state in escalations for e in r.history) for r in runs), n) or 0.0,
        labelled=len(labelled),
        accuracy=_rate(sum(r.passed for r in labelled), len(labelled)),
    )
