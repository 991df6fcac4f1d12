"""The operating metrics of the seed's tables, per workflow and overall, over a time window of a tenant.

Instances are those created in the window (parallel-branch instances count towards their workflow's actions,
never as instances of their own):
- completion rate = ended (succeeded, failed, cancelled) / started; success rate = succeeded / ended;
- average duration = start to end of the ended ones;
- action (tool) success rate = successful attempts / attempts; average latency = claim-to-finish time of an
  action, retries included; retry rate = instances with an action tried more than once / started;
- escalation rate = instances that asked a person (an approval request) / started;
- cost per task = cost recorded in the window / started.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from pydantic import BaseModel

from engine.read_models._reading import reading
from storage.tables.approvals import ApprovalRow
from storage.tables.costs import CostRow
from storage.tables.instances import InstanceRow
from storage.tables.jobs import JobRow

__all__ = ["Metrics", "WorkflowMetrics", "collect_metrics"]

_I = InstanceRow.__table__  # type: ignore[attr-defined]
_J = JobRow.__table__  # type: ignore[attr-defined]
_A = ApprovalRow.__table__  # type: ignore[attr-defined]
_C = CostRow.__table__  # type: ignore[attr-defined]
_ENDED = ("succeeded", "failed", "cancelled")


class Metrics(BaseModel):
    instances_started: int
    instances_finished: int
    instances_succeeded: int
    completion_rate: float | None
    success_rate: float | None
    average_duration_s: float | None
    average_latency_s: float | None
    action_attempts: int
    action_success_rate: float | None
    retry_rate: float | None
    escalation_rate: float | None
    cost_per_task: float | None
    total_cost: float
    pending_approvals: int


class WorkflowMetrics(Metrics):
    workflow_id: str


@dataclass
class _Tally:
    started: int = 0
    ended: int = 0
    succeeded: int = 0
    duration: float = 0.0
    attempts: int = 0
    successes: int = 0
    actions: int = 0
    latency: float = 0.0
    retried: set[str] = field(default_factory=set)
    escalated: set[str] = field(default_factory=set)
    cost: float = 0.0
    pending: int = 0

    def add(self, other: _Tally) -> None:
        for name in (
            "started",
            "ended",
            "succeeded",
            "duration",
            "attempts",
            "successes",
            "actions",
            "latency",
            "cost",
            "pending",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.retried |= other.retried
        self.escalated |= other.escalated

    def metrics(self) -> Metrics:
        def ratio(part: float, whole: float) -> float | None:
            return None if whole == 0 else part / whole

        return Metrics(
            instances_started=self.started,
            instances_finished=self.ended,
            instances_succeeded=self.succeeded,
            completion_rate=ratio(self.ended, self.started),
            success_rate=ratio(self.succeeded, self.ended),
            average_duration_s=ratio(self.duration, self.ended),
            average_latency_s=ratio(self.latency, self.actions),
            action_attempts=self.attempts,
            action_success_rate=ratio(self.successes, self.attempts),
            retry_rate=ratio(len(self.retried), self.started),
            escalation_rate=ratio(len(self.escalated), self.started),
            cost_per_task=ratio(self.cost, self.started),
            total_cost=self.cost,
            pending_approvals=self.pending,
        )


def _root() -> sa.ColumnElement[str]:
    """The instance a row counts for: a parallel branch counts for the instance that runs it."""
    return sa.case((_I.c.branch != "", _I.c.parent_id), else_=_I.c.id)


def _in_window(tenant: str, since: float, until: float) -> list[sa.ColumnElement[bool]]:
    return [_I.c.tenant == tenant, _I.c.created_at >= since, _I.c.created_at < until]


def _instances(tx: sa.Connection, where: list[sa.ColumnElement[bool]], tallies: dict[str, _Tally]) -> None:
    ended = _I.c.status.in_(_ENDED)
    statement = (
        sa.select(
            _I.c.workflow_id,
            sa.func.count(),
            sa.func.sum(sa.case((ended, 1), else_=0)),
            sa.func.sum(sa.case((_I.c.status == "succeeded", 1), else_=0)),
            sa.func.sum(sa.case((ended, _I.c.updated_at - _I.c.created_at), else_=0.0)),
        )
        .where(*where, _I.c.branch == "")
        .group_by(_I.c.workflow_id)
    )
    for workflow_id, started, ended_n, succeeded, duration in tx.execute(statement).all():
        tally = tallies[workflow_id]
        tally.started, tally.ended = int(started), int(ended_n or 0)
        tally.succeeded, tally.duration = int(succeeded or 0), float(duration or 0.0)


def _actions(tx: sa.Connection, where: list[sa.ColumnElement[bool]], tallies: dict[str, _Tally]) -> None:
    statement = (
        sa.select(_I.c.workflow_id, _root(), _J.c.status, _J.c.attempt, _J.c.updated_at - _J.c.created_at)
        .select_from(_J.join(_I, _I.c.id == _J.c.instance_id))
        .where(*where, _J.c.kind == "action", _J.c.status.in_(("done", "failed")))
    )
    for workflow_id, root, status, attempt, elapsed in tx.execute(statement).all():
        tally = tallies[workflow_id]
        tally.actions += 1
        tally.attempts += int(attempt)
        tally.successes += 1 if status == "done" else 0
        tally.latency += float(elapsed or 0.0)
        if int(attempt) > 1 and root is not None:
            tally.retried.add(str(root))


def _approvals(tx: sa.Connection, where: list[sa.ColumnElement[bool]], tallies: dict[str, _Tally]) -> None:
    statement = (
        sa.select(_I.c.workflow_id, _root(), _A.c.status)
        .select_from(_A.join(_I, _I.c.id == _A.c.instance_id))
        .where(*where)
    )
    for workflow_id, root, status in tx.execute(statement).all():
        tally = tallies[workflow_id]
        if root is not None:
            tally.escalated.add(str(root))
        tally.pending += 1 if status == "pending" else 0


def _costs(tx: sa.Connection, tenant: str, since: float, until: float, tallies: dict[str, _Tally]) -> None:
    statement = (
        sa.select(_C.c.workflow_id, sa.func.sum(_C.c.amount))
        .where(_C.c.tenant == tenant, _C.c.at >= since, _C.c.at < until)
        .group_by(_C.c.workflow_id)
    )
    for workflow_id, amount in tx.execute(statement).all():
        tallies[workflow_id].cost += float(amount or 0.0)


def _overall(tallies: Iterable[_Tally]) -> _Tally:
    total = _Tally()
    for tally in tallies:
        total.add(tally)
    return total


def collect_metrics(
    database: sa.Engine, *, tenant: str, since: float, until: float, workflow_id: str | None = None
) -> tuple[Metrics, list[WorkflowMetrics]]:
    """(overall, per workflow sorted by id) for the tenant's instances created in [since, until)."""

    found: dict[str, _Tally] = defaultdict(_Tally)
    where = _in_window(tenant, since, until)
    if workflow_id is not None:
        where.append(_I.c.workflow_id == workflow_id)
    with reading(database) as connection:
        _instances(connection, where, found)
        _actions(connection, where, found)
        _approvals(connection, where, found)
        _costs(connection, tenant, since, until, found)
    tallies = dict(found)
    if workflow_id is not None:
        tallies = {k: v for k, v in tallies.items() if k == workflow_id}
    per_workflow = [WorkflowMetrics(workflow_id=wid, **tallies[wid].metrics().model_dump()) for wid in sorted(tallies)]
    return _overall(tallies.values()).metrics(), per_workflow
