"""The design document's KPIs, each defined once, computed from what the engine recorded — for the designer's
metrics (`/api/metrics`, Prometheus' `/metrics`) and for `statewright eval` alike.

The scope is a tenant's instances created in a time window (optionally of one workflow), or the instances an
evaluation ran. A parallel branch counts for the instance that runs it; a subflow's child is an instance of its
own workflow.

Agent performance, over **task runs** (a task state entered once: its action's attempts until the last one):
- `success_rate` = task runs whose last attempt succeeded / task runs that ended;
- `average_latency_s` = from entering the task to its last attempt's end (retries and their waits included);
- `tool_success_rate` = tool calls that did not fail / tool calls; a lookup that found nothing (`not_found`)
  answered the question and is not a failure;
- `quality_score` = the average `qa.total` (the QA Auditor's 0-10 score) of the ended instances that have one;
- `cost_per_task` = the cost recorded for the instances / task runs that ended;
- `unpriced_costs` = the action calls recorded with no price for their model (`priced` false): their cost is
  unknown, so the cost figures above leave them out and understate what was spent.

Workflow metrics, over **instances**:
- `completion_rate` = succeeded / ended (instances still running are not judged yet);
- `average_duration_s` = start to end of the ended ones;
- `retry_rate` = instances in which some task needed more than one attempt / started;
- `escalation_rate` = instances that asked a person — an approval request (an approval state or a policy's
  gate), or entering a state marked `escalates` (a hand-over to a human) / started.

The document's user satisfaction is not something the engine records; it is not reported.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel

from engine.read_models._reading import reading
from engine.runtime.snapshot import TERMINAL, InstanceStatus
from storage.attempts import tool_call_succeeded
from storage.statuses import ApprovalStatus, AttemptOutcome
from storage.tables.approvals import ApprovalRow
from storage.tables.attempts import ActionAttemptRow
from storage.tables.core import table_of
from storage.tables.costs import CostRow
from storage.tables.definitions import DefinitionRow
from storage.tables.history import HistoryRow
from storage.tables.instances import InstanceRow

__all__ = ["KpiScope", "Kpis", "WorkflowKpis", "collect_kpis", "tool_call_succeeded"]

_I = table_of(InstanceRow)
_A = table_of(ActionAttemptRow)
_H = table_of(HistoryRow)
_P = table_of(ApprovalRow)
_C = table_of(CostRow)
_D = table_of(DefinitionRow)
_ENDED = TERMINAL
QA_FIELD = ("qa", "total")


class Kpis(BaseModel):
    instances_started: int
    instances_ended: int
    instances_succeeded: int
    completion_rate: float | None
    average_duration_s: float | None
    retry_rate: float | None
    escalation_rate: float | None
    task_runs: int
    success_rate: float | None
    average_latency_s: float | None
    action_attempts: int
    tool_calls: int
    tool_success_rate: float | None
    quality_score: float | None
    quality_scored: int
    cost_per_task: float | None
    cost_per_instance: float | None
    total_cost: float
    unpriced_costs: int  # action calls whose model had no price: their cost is unknown, not in total_cost
    pending_approvals: int


class WorkflowKpis(Kpis):
    workflow_id: str


@dataclass(frozen=True, slots=True)
class KpiScope:
    """A tenant's instances created in [since, until) (of one workflow), or the instances `instance_ids`."""

    tenant: str | None = None
    since: float | None = None
    until: float | None = None
    workflow_id: str | None = None
    instance_ids: Sequence[str] | None = None

    def where(self) -> list[sa.ColumnElement[bool]]:
        """Conditions on an instance row (a whole run or a branch) for it to be in scope."""
        found: list[sa.ColumnElement[bool]] = []
        if self.instance_ids is not None:
            ids = list(self.instance_ids)
            found.append(sa.or_(_I.c.id.in_(ids), sa.and_(_I.c.branch != "", _I.c.parent_id.in_(ids))))
        if self.tenant is not None:
            found.append(_I.c.tenant == self.tenant)
        if self.since is not None:
            found.append(_I.c.created_at >= self.since)
        if self.until is not None:
            found.append(_I.c.created_at < self.until)
        if self.workflow_id is not None:
            found.append(_I.c.workflow_id == self.workflow_id)
        return found


@dataclass
class _Tally:
    started: int = 0
    ended: int = 0
    succeeded: int = 0
    duration: float = 0.0
    task_runs: int = 0
    task_successes: int = 0
    latency: float = 0.0
    attempts: int = 0
    tool_calls: int = 0
    tool_successes: int = 0
    qa: list[float] = field(default_factory=list)
    cost: float = 0.0
    unpriced: int = 0
    pending: int = 0
    retried: set[str] = field(default_factory=set)
    escalated: set[str] = field(default_factory=set)

    def add(self, other: _Tally) -> None:
        for name in ("started", "ended", "succeeded", "duration", "task_runs", "task_successes", "latency",
                     "attempts", "tool_calls", "tool_successes", "cost", "unpriced", "pending"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.qa += other.qa
        self.retried |= other.retried
        self.escalated |= other.escalated

    def kpis(self) -> Kpis:
        def ratio(part: float, whole: float) -> float | None:
            return None if whole == 0 else round(part / whole, 6)

        return Kpis(
            instances_started=self.started, instances_ended=self.ended, instances_succeeded=self.succeeded,
            completion_rate=ratio(self.succeeded, self.ended), average_duration_s=ratio(self.duration, self.ended),
            retry_rate=ratio(len(self.retried), self.started), escalation_rate=ratio(len(self.escalated), self.started),
            task_runs=self.task_runs, success_rate=ratio(self.task_successes, self.task_runs),
            average_latency_s=ratio(self.latency, self.task_runs), action_attempts=self.attempts,
            tool_calls=self.tool_calls, tool_success_rate=ratio(self.tool_successes, self.tool_calls),
            quality_score=ratio(sum(self.qa), len(self.qa)), quality_scored=len(self.qa),
            cost_per_task=ratio(self.cost, self.task_runs), cost_per_instance=ratio(self.cost, self.started),
            total_cost=round(self.cost, 8), unpriced_costs=self.unpriced, pending_approvals=self.pending,
        )


def _root() -> sa.Label[str]:
    """The instance a row counts for (`root`): a parallel branch counts for the instance that runs it."""
    return sa.case((_I.c.branch != "", _I.c.parent_id), else_=_I.c.id).label("root")


class _Reader:
    """The KPI queries. Their loops run once per row of a tenant's whole window, so each unpacks its row into
    the names of the columns its select lists, in that order: reading a SQLAlchemy `Row` by attribute costs
    about 1 µs a column, twenty times unpacking it (collect_kpis took half as long again)."""

    def __init__(self, connection: sa.Connection, scope: KpiScope) -> None:
        self.connection = connection
        self.where = scope.where()
        self.now = replace(scope, since=None, until=None).where()  # what waits now, whenever it started
        self.tallies: dict[str, _Tally] = defaultdict(_Tally)

    def instances(self) -> None:
        """Counted and summed by the database, per workflow (a Python loop over every row of a busy day's window
        took seconds); only the ended instances whose context holds a QA score are read, for that score."""
        ended = _I.c.status.in_(_ENDED)
        statement = sa.select(
            _I.c.workflow_id,
            sa.func.count(),
            sa.func.sum(sa.case((ended, 1), else_=0)),
            sa.func.sum(sa.case((_I.c.status == InstanceStatus.SUCCEEDED, 1), else_=0)),
            sa.func.sum(sa.case((ended, _I.c.updated_at - _I.c.created_at), else_=0.0)),
        ).where(*self.where, _I.c.branch == "").group_by(_I.c.workflow_id)
        for workflow_id, started, ended_count, succeeded, duration in self.connection.execute(statement):
            tally = self.tallies[workflow_id]
            tally.started += int(started)
            tally.ended += int(ended_count or 0)
            tally.succeeded += int(succeeded or 0)
            tally.duration += float(duration or 0.0)
        scored = sa.select(_I.c.workflow_id, _I.c.context).where(
            *self.where, _I.c.branch == "", ended, _I.c.context.contains('"qa"', autoescape=True))
        for workflow_id, context in self.connection.execute(scored):
            score = _qa_score(context)
            if score is not None:
                self.tallies[workflow_id].qa.append(score)

    def attempts(self) -> None:
        """Each attempt's tool calls are the counts its row keeps (`storage.attempts.count_tool_calls`): the
        steps themselves — most of the table's bytes — are never read here."""
        entered = _H.alias("entered")
        statement = (
            sa.select(_I.c.workflow_id, _root(), _A.c.instance_id, _A.c.task_seq, _A.c.attempt, _A.c.outcome,
                      _A.c.tool_calls, _A.c.failed_tool_calls, _A.c.at, entered.c.at.label("entered_at"),
                      _I.c.status, _I.c.version)
            .select_from(_A.join(_I, _I.c.id == _A.c.instance_id).join(
                entered, sa.and_(entered.c.instance_id == _A.c.instance_id, entered.c.seq == _A.c.task_seq)))
            .where(*self.where)
            .order_by(_A.c.instance_id, _A.c.task_seq, _A.c.attempt)
        )
        last: Sequence[Any] | None = None
        task_run: tuple[str, int] | None = None
        for row in self.connection.execute(statement):
            workflow_id, root, instance_id, task_seq, attempt, _outcome, calls, failed, *_ = row
            if last is not None and task_run != (instance_id, task_seq):
                self._task_run(last)
            last, task_run = row, (instance_id, task_seq)
            tally = self.tallies[workflow_id]
            tally.attempts += 1
            tally.tool_calls += int(calls)
            tally.tool_successes += int(calls) - int(failed)
            if int(attempt) > 1:
                tally.retried.add(str(root))
        if last is not None:
            self._task_run(last)

    def _task_run(self, last: Sequence[Any]) -> None:
        """A task run, from its last attempt: ended when that attempt succeeded or failed — or was lost with its
        worker and the task was left (its error path) or the instance is stuck in it."""
        workflow_id, _root, _instance_id, task_seq, _attempt, outcome, _calls, _failed, at, entered_at, status, \
            version = last
        lost_for_good = outcome == AttemptOutcome.LOST and (
            status == InstanceStatus.STUCK or int(version) > int(task_seq))
        if outcome not in (AttemptOutcome.DONE, AttemptOutcome.ERROR) and not lost_for_good:
            return  # still being tried
        tally = self.tallies[workflow_id]
        tally.task_runs += 1
        tally.task_successes += outcome == AttemptOutcome.DONE
        tally.latency += float(at) - float(entered_at)

    def approvals(self) -> None:
        statement = sa.select(_I.c.workflow_id, _root()).select_from(
            _P.join(_I, _I.c.id == _P.c.instance_id)).where(*self.where)
        for workflow_id, root in self.connection.execute(statement):
            self.tallies[workflow_id].escalated.add(str(root))

    def pending(self) -> None:
        """The approval requests waiting now, whenever their instance started: counted in the window, a request
        older than a day (the oldest, most overdue ones) dropped out of `pending_approvals` and the gauge."""
        statement = sa.select(_I.c.workflow_id, sa.func.count()).select_from(
            _P.join(_I, _I.c.id == _P.c.instance_id)).where(
            *self.now, _P.c.status == ApprovalStatus.PENDING).group_by(_I.c.workflow_id)
        for workflow_id, count in self.connection.execute(statement):
            self.tallies[workflow_id].pending += int(count)

    def escalating_states(self) -> None:
        marked = _escalating_states(self.connection, set(self.tallies))
        if not marked:
            return
        pairs = [sa.and_(_I.c.workflow_id == workflow_id, _H.c.to_state.in_(sorted(states)))
                 for workflow_id, states in marked.items()]
        statement = sa.select(_I.c.workflow_id, _root()).distinct().select_from(
            _H.join(_I, _I.c.id == _H.c.instance_id)).where(*self.where, sa.or_(*pairs))
        for workflow_id, root in self.connection.execute(statement):
            self.tallies[workflow_id].escalated.add(str(root))

    def costs(self) -> None:
        unpriced = sa.func.sum(sa.case((_C.c.priced, 0), else_=1))
        statement = sa.select(_I.c.workflow_id, sa.func.sum(_C.c.amount), unpriced).select_from(
            _C.join(_I, _I.c.id == _C.c.instance_id)).where(*self.where).group_by(_I.c.workflow_id)
        for workflow_id, amount, unknown in self.connection.execute(statement):
            self.tallies[workflow_id].cost += float(amount or 0.0)
            self.tallies[workflow_id].unpriced += int(unknown or 0)


def _qa_score(context: str) -> float | None:
    if '"qa"' not in context:  # most instances have no QA: skip parsing their context
        return None
    value: Any = json.loads(context)
    for key in QA_FIELD:
        value = value.get(key) if isinstance(value, dict) else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _escalating_states(connection: sa.Connection, workflow_ids: set[str]) -> dict[str, set[str]]:
    """The states marked `escalates` in any deployed version of these workflows (branches' states included)."""
    if not workflow_ids:
        return {}
    marked: dict[str, set[str]] = defaultdict(set)
    statement = sa.select(_D.c.workflow_id, _D.c.content).where(_D.c.workflow_id.in_(sorted(workflow_ids)))
    for row in connection.execute(statement):
        if '"escalates"' in row.content:
            marked[row.workflow_id] |= _marked_in(json.loads(row.content).get("states") or {})
    return marked


def _marked_in(states: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        if state.get("escalates") is True:
            found.add(name)
        for branch in state.get("branches") or ():
            if isinstance(branch, dict):
                found |= _marked_in(branch.get("states") or {})
    return found


def collect_kpis(database: sa.Engine, scope: KpiScope) -> tuple[Kpis, list[WorkflowKpis]]:
    """(overall, per workflow sorted by id) for the instances in `scope`."""
    with reading(database) as connection:
        reader = _Reader(connection, scope)
        reader.instances()
        reader.attempts()
        reader.approvals()
        reader.pending()
        reader.escalating_states()
        reader.costs()
    tallies = dict(reader.tallies)
    per_workflow = [WorkflowKpis(workflow_id=wid, **tallies[wid].kpis().model_dump()) for wid in sorted(tallies)]
    total = _Tally()
    for tally in tallies.values():
        total.add(tally)
    return total.kpis(), per_workflow
