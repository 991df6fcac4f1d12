"""The metrics in Prometheus' text exposition format (version 0.0.4)."""

from __future__ import annotations

from engine.read_models.kpis import Kpis, WorkflowKpis

__all__ = ["PROMETHEUS_MEDIA_TYPE", "prometheus_text"]

PROMETHEUS_MEDIA_TYPE = "text/plain; version=0.0.4"
OVERALL = "_all"

# (field of Kpis, metric name, type, help)
_SERIES: tuple[tuple[str, str, str, str], ...] = (
    ("instances_started", "statewright_instances_started", "gauge", "Instances created in the window."),
    ("instances_ended", "statewright_instances_ended", "gauge", "Of those, ended (any outcome)."),
    ("instances_succeeded", "statewright_instances_succeeded", "gauge", "Of those, ended in success."),
    ("completion_rate", "statewright_completion_ratio", "gauge", "Succeeded / ended."),
    ("average_duration_s", "statewright_average_duration_seconds", "gauge", "Start to end of ended instances."),
    ("retry_rate", "statewright_retry_ratio", "gauge", "Instances with a task tried more than once / started."),
    ("escalation_rate", "statewright_escalation_ratio", "gauge", "Instances that asked a person / started."),
    ("task_runs", "statewright_task_runs", "gauge", "Task runs that ended (retries in one run)."),
    ("success_rate", "statewright_task_success_ratio", "gauge", "Task runs that succeeded / ended."),
    ("average_latency_s", "statewright_task_latency_seconds", "gauge", "Entering a task to its last attempt's end."),
    ("action_attempts", "statewright_action_attempts", "gauge", "Action attempts, retries included."),
    ("tool_calls", "statewright_tool_calls", "gauge", "Tool calls the attempts recorded."),
    ("tool_success_rate", "statewright_tool_success_ratio", "gauge", "Tool calls that worked (not_found included)."),
    ("quality_score", "statewright_quality_score", "gauge", "Average QA Auditor score (qa.total, 0-10)."),
    ("cost_per_task", "statewright_cost_per_task", "gauge", "Cost recorded / task runs."),
    ("total_cost", "statewright_cost", "gauge", "Cost recorded for the instances."),
    ("unpriced_costs", "statewright_unpriced_costs", "gauge", "Action calls whose model had no price (cost unknown)."),
    ("pending_approvals", "statewright_pending_approvals", "gauge", "Approval requests waiting now."),
)
_NOT_WINDOWED = frozenset({"pending_approvals"})  # what waits now, whenever its instance started


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def prometheus_text(overall: Kpis, per_workflow: list[WorkflowKpis], *, tenant: str) -> str:
    rows: list[tuple[str, Kpis]] = [(OVERALL, overall), *((m.workflow_id, m) for m in per_workflow)]
    lines: list[str] = []
    for field, name, kind, text in _SERIES:
        window = " Whenever their instance started." if field in _NOT_WINDOWED else " Window: the last 24 hours."
        lines.append(f"# HELP {name} {text}{window}")
        lines.append(f"# TYPE {name} {kind}")
        for workflow, metrics in rows:
            value = getattr(metrics, field)
            if value is None:
                continue
            lines.append(f'{name}{{tenant="{_label(tenant)}",workflow="{_label(workflow)}"}} {float(value):.6g}')
    return "\n".join(lines) + "\n"
