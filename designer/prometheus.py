"""The metrics in Prometheus' text exposition format (version 0.0.4): the KPIs of the last 24 hours per workflow,
and what the person on call alerts on now — the job queue's depth and age, jobs stuck with a worker that went
silent, and the workers alive."""

from __future__ import annotations

from engine.read_models.job_queue import JobQueue, KindBacklog
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

# (field of KindBacklog, metric name, help): the tenant's jobs now, per kind (every kind, 0 included, so that an
# alert's series never goes missing when the queue is empty)
_QUEUE: tuple[tuple[str, str, str], ...] = (
    ("ready", "statewright_jobs_ready", "Jobs due now that no worker has taken yet (the queue's depth)."),
    ("oldest_ready_s", "statewright_jobs_ready_oldest_age_seconds",
     "How long the longest-waiting of them has been due (0: none waits)."),
    ("lease_expired", "statewright_jobs_lease_expired",
     "Jobs a worker took whose lease lapsed before it finished (the worker died or stalled): stuck until another "
     "worker takes them."),
)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _queue_lines(queue: JobQueue, tenant: str) -> list[str]:
    lines: list[str] = []
    for field, name, text in _QUEUE:
        lines += [f"# HELP {name} {text}", f"# TYPE {name} gauge"]
        lines += [f'{name}{{tenant="{_label(tenant)}",kind="{_label(backlog.kind)}"}} {_number(backlog, field)}'
                  for backlog in queue.kinds]
    name = "statewright_workers_alive"
    lines += [f"# HELP {name} Workers alive now (seen within their heartbeat's lease): the deployment's, the same for "
              "every tenant.", f"# TYPE {name} gauge", f"{name} {queue.workers_alive}"]
    return lines


def _number(backlog: KindBacklog, field: str) -> str:
    """A count as it is; an age to the millisecond (`.6g`, as the KPIs are written, would round a job waiting for
    twelve days to ten seconds)."""
    value: int | float = getattr(backlog, field)
    return str(value) if isinstance(value, int) else str(round(value, 3))


def prometheus_text(overall: Kpis, per_workflow: list[WorkflowKpis], queue: JobQueue, *, tenant: str) -> str:
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
    lines += _queue_lines(queue, tenant)
    return "\n".join(lines) + "\n"
