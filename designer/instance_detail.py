"""Assembling one instance's detail: the engine's view, a summary of its history, approvals and armed timers.

The history is summarised by the database (`summarise_trail`): however many transitions an instance made, the
detail reads its first one, the latest `PATH_WINDOW` and an aggregate, never every row."""

from __future__ import annotations

import sqlalchemy as sa

from designer.approval_cards import approval_summaries
from designer.schemas.instance_detail import InstanceDetail, MoveRead, TimerRead
from designer.schemas.instances import InstanceSummary
from engine.read_models.approvals import ApprovalQuery, ApprovalRecordView, list_approvals
from engine.read_models.definitions import DefinitionCatalog
from engine.read_models.instance_trail import summarise_trail
from engine.read_models.waits import waits_of
from engine.runtime.clock import to_datetime
from engine.runtime.engine import Engine
from engine.runtime.redrive import redrivable
from engine.runtime.views import InstanceView

__all__ = ["instance_detail_of"]


def instance_detail_of(engine: Engine, database: sa.Engine, catalog: DefinitionCatalog,
                       view: InstanceView) -> InstanceDetail:
    """`catalog`: the definitions its pending approvals' titles come from (as the inbox's cards)."""
    trail = summarise_trail(database, view.id, view.version)  # its version counts its transitions
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
        started_by=trail.started_by,
        path=trail.path,
        path_truncated=trail.path_truncated,
        history_total=view.version,
        moves=[MoveRead(from_state=m.from_state, to_state=m.to_state, event=m.event) for m in trail.moves],
        pending_approvals=approval_summaries(catalog, approvals, {view.id: view.workflow_version}),
        timers=[TimerRead(fire=fire, due_at=to_datetime(due_at)) for fire, due_at in waits.armed_timers],
        cost=trail.cost,
        accepted_events=waits.accepted_events,
        redrivable=redrivable(engine.runtime, view),
    )
