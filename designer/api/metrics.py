"""Operating metrics of my tenant over a time window, as JSON under /api and as Prometheus text at /metrics (with
the job queue and the workers as they are now, for alerts)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Annotated

import sqlalchemy as sa
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from pydantic import BaseModel

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.prometheus import PROMETHEUS_MEDIA_TYPE, prometheus_text
from designer.schemas.moments import moment_parameter, parse_window
from designer.security.principal import Principal
from engine.definition.base import IDENTIFIER_PATTERN
from engine.errors import InvalidInput
from engine.read_models.job_queue import collect_job_queue
from engine.read_models.kpis import Kpis, KpiScope, WorkflowKpis, collect_kpis
from engine.read_models.metric_series import MAX_BUCKETS, MetricSeries, collect_series
from engine.runtime.clock import to_datetime
from engine.runtime.engine import Engine

__all__ = ["MetricsController", "MetricsReport", "prometheus_metrics"]

DEFAULT_WINDOW = timedelta(hours=24)
# The first moment a report can name (0001-01-01T00:00:00Z): a default window is cut there, not a year 0.
_EARLIEST = datetime.min.replace(tzinfo=UTC).timestamp()


class MetricsReport(BaseModel):
    since: datetime
    until: datetime
    overall: Kpis
    workflows: list[WorkflowKpis]


Since = Annotated[str | None, moment_parameter("Window start (RFC 3339).")]
Until = Annotated[str | None, moment_parameter("Window end (RFC 3339), default now.")]
OneWorkflow = Annotated[str | None, QueryParameter(max_length=128, pattern=IDENTIFIER_PATTERN)]


class MetricsController(Controller):
    path = "/api/metrics"
    tags = ("metrics",)
    middleware = (refuse_undeclared_query_parameters,)

    @get(
        "/", summary="Metrics per workflow and overall over a window (default: the last 24 hours)", sync_to_thread=True
    )
    def metrics(
        self,
        me: NamedDependency[Principal],
        database: NamedDependency[sa.Engine],
        since: Since = None,
        until: Until = None,
        workflow: OneWorkflow = None,
    ) -> MetricsReport:
        start, end = _window(since, until)
        overall, per_workflow = collect_kpis(
            database, KpiScope(tenant=me.tenant, since=start, until=end, workflow_id=workflow)
        )
        return MetricsReport(since=to_datetime(start), until=to_datetime(end), overall=overall, workflows=per_workflow)

    @get("/series", summary="What the Metrics page charts: instances over time, duration percentiles, cost per "
         "workflow and agent, approval waits", sync_to_thread=True)
    def series(
        self,
        *,
        me: NamedDependency[Principal],
        database: NamedDependency[sa.Engine],
        since: Since = None,
        until: Until = None,
        workflow: OneWorkflow = None,
        buckets: Annotated[int, QueryParameter(ge=1, le=MAX_BUCKETS, description="Time buckets.")] = 24,
    ) -> MetricSeries:
        start, end = _window(since, until)
        return collect_series(database, tenant=me.tenant, since=start, until=end, buckets=buckets,
                              workflow_id=workflow)


def _window(since: str | None, until: str | None) -> tuple[float, float]:
    """The window a request asks for: `until` default now, `since` default a day before it (but not before the
    year 1: `until=0001-01-01T00:00:00Z` alone is then an empty window, a 422, where it was a 500)."""
    given_start, given_end = parse_window(since, until)
    end = given_end if given_end is not None else time.time()
    start = given_start if given_start is not None else max(end - DEFAULT_WINDOW.total_seconds(), _EARLIEST)
    if start >= end:  # `since` alone, after now; `until` alone, at the year 1
        raise InvalidInput(f"'since' must be before 'until' (the window ends {to_datetime(end).isoformat()})")
    return start, end


@get(
    "/metrics",
    tags=["metrics"],
    summary="Prometheus text format (my tenant: the last 24 hours, and the job queue and workers now)",
    media_type=PROMETHEUS_MEDIA_TYPE,
    sync_to_thread=True,
    middleware=[refuse_undeclared_query_parameters],
)
def prometheus_metrics(me: NamedDependency[Principal], database: NamedDependency[sa.Engine],
                       engine: NamedDependency[Engine]) -> Response[str]:
    end = time.time()
    overall, per_workflow = collect_kpis(
        database, KpiScope(tenant=me.tenant, since=end - DEFAULT_WINDOW.total_seconds(), until=end)
    )
    queue = collect_job_queue(database, tenant=me.tenant, now=engine.clock.now())  # the jobs' times are its clock's
    return Response(prometheus_text(overall, per_workflow, queue, tenant=me.tenant), media_type=PROMETHEUS_MEDIA_TYPE)
