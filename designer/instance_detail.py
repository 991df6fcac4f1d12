"""Assembling one instance's detail: the engine's view, its history, approvals and armed timers."""

from __future__ import annotations

import sqlalchemy as sa

from designer.schemas.approvals import ApprovalSummary
from designer.schemas.instance_detail import InstanceDetail, TimerRead
from designer.schemas.instances import InstanceSummary
from engine.read_models.approvals import ApprovalQuery, ApprovalRecordView, list_approvals
from engine.read_models.waits import waits_of
from engine.runtime.clock import to_datetime
from engine.runtime.engine import Engine
from engine.runtime.redrive import redrivable
from engine.runtime.views import InstanceView

__all__ = ["instance_detail_of"]


def instance_detail_of(engine: Engine, database: sa.Engine, view: InstanceView) -> InstanceDetail:
    history = engine.trail(view.id)  # every transition in brief: a long history's payloads are not read
    path: list[str] = []
    for entry in history:
        if not path or entry.to_state != path[-1]:
            path.append(entry.to_state)
    waits = waits_of(engine, view)
    approvals: list[ApprovalRecordView] = []
    if waits.approval_pending:  # the cheap check first: most instances wait for no one
        query = ApprovalQuery(tenant=view.tenant, status="pending", instance_id=view.id)
        approvals, _ = list_approvals(database, query, limit=100, offset=0)
    return InstanceDetail(
        **InstanceSummary.of(view).model_dump(),
        context=view.context,
        result=view.result,
        error=view.error,
        started_by=history[0].actor if history else None,
        path=path,
        pending_approvals=[ApprovalSummary.of(a) for a in approvals],
        timers=[TimerRead(fire=fire, due_at=to_datetime(due_at)) for fire, due_at in waits.armed_timers],
        cost=sum(entry.cost or 0.0 for entry in history),
        accepted_events=waits.accepted_events,
        redrivable=redrivable(engine.runtime, view),
    )
