"""The metrics in Prometheus' text exposition format (version 0.0.4)."""

from __future__ import annotations

from engine.read_models.metrics import Metrics, WorkflowMetrics

__all__ = ["PROMETHEUS_MEDIA_TYPE", "prometheus_text"]

PROMETHEUS_MEDIA_TYPE = "text/plain; version=0.0.4"
OVERALL = "_all"

# (field of Metrics, metric name, type, help)
_SERIES: tuple[tuple[str, str, str, str], ...] = (
    ("instances_started", "statewright_instances_started", "gauge", "Instances created in the window."),
    ("instances_finished", "statewright_instances_finished", "gauge", "Of those, ended (any outcome)."),
    ("instances_succeeded", "statewright_instances_succeeded", "gauge", "Of those, ended in success."),
    ("completion_rate", "statewright_completion_ratio", "gauge", "Ended / started."),
    ("success_rate", "statewright_success_ratio", "gauge", "Succeeded / ended."),
    ("average_duration_s", "statewright_average_duration_seconds", "gauge", "Start to end of ended instances."),
    ("average_latency_s", "statewright_average_latency_seconds", "gauge", "Time to complete an action."),
    ("action_attempts", "statewright_action_attempts", "gauge", "Action (tool) attempts."),
    ("action_success_rate", "statewright_action_success_ratio", "gauge", "Successful attempts / attempts."),
    ("retry_rate", "statewright_retry_ratio", "gauge", "Instances with a retried action / started."),
    ("escalation_rate", "statewright_escalation_ratio", "gauge", "Instances that asked a person / started."),
    ("cost_per_task", "statewright_cost_per_task", "gauge", "Cost recorded / instances started."),
    ("total_cost", "statewright_cost", "gauge", "Cost recorded in the window."),
    ("pending_approvals", "statewright_pending_approvals", "gauge", "Approval requests waiting now."),
)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def prometheus_text(overall: Metrics, per_workflow: list[WorkflowMetrics], *, tenant: str) -> str:
    rows: list[tuple[str, Metrics]] = [(OVERALL, overall), *((m.workflow_id, m) for m in per_workflow)]
    lines: list[str] = []
    for field, name, kind, text in _SERIES:
        lines.append(f"# HELP {name} {text} Window: the last 24 hours.")
        lines.append(f"# TYPE {name} {kind}")
        for workflow, metrics in rows:
            value = getattr(metrics, field)
            if value is None:
                continue
            lines.append(f'{name}{{tenant="{_label(tenant)}",workflow="{_label(workflow)}"}} {float(value):.6g}')
    return "\n".join(lines) + "\n"
