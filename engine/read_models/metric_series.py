"""What the Metrics page draws beside the KPI tables, for a tenant's window: instances started and ended over
time, duration percentiles per workflow, cost per workflow and per agent, and how long approvals waited.

Instances and approvals count when created in the window; an instance "ended" in a bucket when it ended then;
costs count when recorded in the window. Percentiles are nearest-rank over the ended instances (or decided
approvals); a pending approval's wait so far is its age at the window's end.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from pydantic import BaseModel

from engine.read_models._reading import reading
from engine.runtime.snapshot import TERMINAL, InstanceStatus
from storage.statuses import ApprovalStatus
from storage.tables.approvals import ApprovalRow
from storage.tables.core import table_of
from storage.tables.costs import CostRow
from storage.tables.instances import InstanceRow

__all__ = ["MetricSeries", "collect_series", "percentile"]

_I = table_of(InstanceRow)
_P = table_of(ApprovalRow)
_C = table_of(CostRow)
_ENDED = tuple(sorted(TERMINAL))
MAX_BUCKETS = 200


class Bucket(BaseModel):
    start: float  # seconds since the epoch
    started: int
    ended: int
    failed: int


class Spread(BaseModel):
    """Nearest-rank percentiles of some durations, in seconds."""

    count: int
    p50: float | None
    p90: float | None
    p99: float | None
    max: float | None


class WorkflowSpread(Spread):
    workflow_id: str


class Spend(BaseModel):
    name: str  # a workflow id, or an agent id ("(no agent)" for actions run without one)
    cost: float


class ApprovalWaits(WorkflowSpread):
    pending: int


class MetricSeries(BaseModel):
    since: float
    until: float
    bucket_s: float
    buckets: list[Bucket]
    durations: list[WorkflowSpread]
    cost_by_workflow: list[Spend]
    cost_by_agent: list[Spend]
    approval_waits: list[ApprovalWaits]


_SHARES = (0.5, 0.9, 0.99)


def _rank(share: float, count: int) -> int:
    """The 1-based rank the nearest-rank percentile `share` picks of `count` ordered values."""
    return max(1, math.ceil(share * count))


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (`share` from 0 to 1) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[_rank(share, len(ordered)) - 1]


def _spread(values: list[float]) -> Spread:
    return Spread(count=len(values), p50=percentile(values, 0.5), p90=percentile(values, 0.9),
                  p99=percentile(values, 0.99), max=max(values) if values else None)


class _Instances:
    """The instance figures of a window, counted, bucketed and ranked by the database: a busy day is hundreds
    of thousands of rows, and reading each into Python took seconds (300,000 instances: 1.9 s, most of it in
    fetching the rows); these queries return a row per bucket and four per workflow."""

    def __init__(self, connection: sa.Connection, where: list[sa.ColumnElement[bool]], since: float,
                 width: float, count: int) -> None:
        self.connection, self.where, self.since, self.width, self.count = connection, where, since, width, count

    def _slot(self, column: sa.ColumnElement[float]) -> sa.ColumnElement[int]:
        """The bucket of a time, as `int((at - since) // width)` (PostgreSQL's CAST rounds: floor it first)."""
        quotient = (column - self.since) / self.width
        if self.connection.dialect.name == "postgresql":
            return sa.cast(sa.func.floor(quotient), sa.Integer)
        return sa.cast(quotient, sa.Integer)  # SQLite's truncates, and the quotient is never negative here

    def fill(self, rows: list[Bucket], until: float) -> None:
        started = self._slot(_I.c.created_at).label("slot")
        for slot, number in self.connection.execute(
                sa.select(started, sa.func.count()).where(
                    *self.where, _I.c.created_at >= self.since, _I.c.created_at < until).group_by(started)):
            if 0 <= slot < self.count:
                rows[slot].started += int(number)
        ended = self._slot(_I.c.updated_at).label("slot")
        failed = sa.func.sum(sa.case((_I.c.status == InstanceStatus.SUCCEEDED, 0), else_=1))
        for slot, number, failures in self.connection.execute(
                sa.select(ended, sa.func.count(), failed).where(
                    *self.where, _I.c.status.in_(_ENDED), _I.c.updated_at >= self.since,
                    _I.c.updated_at < until).group_by(ended)):
            if 0 <= slot < self.count:
                rows[slot].ended += int(number)
                rows[slot].failed += int(failures or 0)

    def durations(self, until: float) -> list[WorkflowSpread]:
        """Nearest-rank percentiles of how long the instances created in the window and ended took, per
        workflow: the counts first, then only the rows at the ranks wanted."""
        scope = [*self.where, _I.c.created_at >= self.since, _I.c.created_at < until, _I.c.status.in_(_ENDED)]
        counts: dict[str, int] = {str(workflow): int(n) for workflow, n in self.connection.execute(
            sa.select(_I.c.workflow_id, sa.func.count()).where(*scope).group_by(_I.c.workflow_id))}
        if not counts:
            return []
        wanted = {workflow: {*(_rank(share, n) for share in _SHARES), n} for workflow, n in counts.items()}
        took = (_I.c.updated_at - _I.c.created_at).label("took")
        rank = sa.func.row_number().over(partition_by=_I.c.workflow_id, order_by=took).label("rank")
        ranked = sa.select(_I.c.workflow_id, took, rank).where(*scope).subquery()
        picks = sa.or_(*(sa.and_(ranked.c.workflow_id == workflow, ranked.c.rank.in_(sorted(ranks)))
                         for workflow, ranks in wanted.items()))
        at: dict[str, dict[int, float]] = defaultdict(dict)
        for workflow, value, position in self.connection.execute(
                sa.select(ranked.c.workflow_id, ranked.c.took, ranked.c.rank).where(picks)):
            at[workflow][int(position)] = float(value)
        spreads = []
        for workflow in sorted(counts):
            n, values = counts[workflow], at[workflow]
            p50, p90, p99 = (values[_rank(share, n)] for share in _SHARES)
            spreads.append(WorkflowSpread(workflow_id=workflow, count=n, p50=p50, p90=p90, p99=p99, max=values[n]))
        return spreads


def collect_series(database: sa.Engine, *, tenant: str, since: float, until: float, buckets: int = 24,
                   workflow_id: str | None = None) -> MetricSeries:
    count = max(1, min(buckets, MAX_BUCKETS))
    width = (until - since) / count
    rows = [Bucket(start=since + i * width, started=0, ended=0, failed=0) for i in range(count)]
    where = [_I.c.tenant == tenant, _I.c.branch == ""]
    if workflow_id is not None:
        where.append(_I.c.workflow_id == workflow_id)
    waits: dict[str, list[float]] = defaultdict(list)
    pending: dict[str, int] = defaultdict(int)
    with reading(database) as connection:
        instances = _Instances(connection, where, since, width, count)
        instances.fill(rows, until)
        durations = instances.durations(until)
        approvals = sa.select(_P.c.workflow_id, _P.c.status, _P.c.created_at, _P.c.decided_at).where(
            _P.c.tenant == tenant, _P.c.created_at >= since, _P.c.created_at < until,
            *([] if workflow_id is None else [_P.c.workflow_id == workflow_id]))
        for workflow, status, created_at, decided_at in connection.execute(approvals):
            if status == ApprovalStatus.PENDING:
                pending[workflow] += 1
                waits[workflow].append(until - float(created_at))
            elif decided_at is not None:
                waits[workflow].append(float(decided_at) - float(created_at))
        spent = [_C.c.tenant == tenant, _C.c.at >= since, _C.c.at < until,
                 *([] if workflow_id is None else [_C.c.workflow_id == workflow_id])]
        total = sa.func.sum(_C.c.amount).label("cost")
        by_workflow = connection.execute(sa.select(_C.c.workflow_id.label("name"), total).where(*spent)
                                         .group_by(_C.c.workflow_id)).all()
        by_agent = connection.execute(sa.select(_C.c.agent.label("name"), total).where(*spent)
                                      .group_by(_C.c.agent)).all()
    return MetricSeries(
        since=since, until=until, bucket_s=width, buckets=rows,
        durations=durations,
        cost_by_workflow=_spend(by_workflow), cost_by_agent=_spend(by_agent),
        approval_waits=[ApprovalWaits(workflow_id=w, pending=pending[w], **_spread(v).model_dump())
                        for w, v in sorted(waits.items())],
    )


def _spend(rows: Sequence[sa.Row[tuple[str | None, float | None]]]) -> list[Spend]:
    """`(name, cost)` rows (a workflow's or an agent's total), the largest first."""
    found = [Spend(name=r.name or "(no agent)", cost=round(float(r.cost or 0.0), 8)) for r in rows]
    return sorted(found, key=lambda s: (-s.cost, s.name))
