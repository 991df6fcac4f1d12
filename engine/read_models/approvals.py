"""Approval requests as people see them: my inbox (assigned to one of my approver roles or to me), one request
with its assignees and decisions, and the decisions someone took.

The decisions are listed newest first, and may be read page after page from a place in that order (`before`: the
last decision of the page before), so that a walk through them stays put while decisions are taken: with `offset`
alone, ten decisions taken between page 1 and page 2 repeat ten rows of page 1 on page 2. A decision is told
apart by its approval and its actor (one each), so the order is `at` descending, then the approval id
descending, then the actor ascending, and the place is a clause on those three (a keyset)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa

from engine.read_models._reading import reading
from storage.codec import load, load_optional
from storage.statuses import ApprovalStatus
from storage.tables.approvals import ApprovalAssigneeRow, ApprovalDecisionRow, ApprovalRow
from storage.tables.core import table_of

__all__ = [
    "ApprovalQuery",
    "ApprovalRecordView",
    "DecisionPlace",
    "DecisionView",
    "StatusFilter",
    "decision_place",
    "get_approval",
    "list_approvals",
    "list_decisions",
]

_A = table_of(ApprovalRow)
_S = table_of(ApprovalAssigneeRow)
_D = table_of(ApprovalDecisionRow)

StatusFilter = Literal["pending", "decided", "all"]


@dataclass(frozen=True)
class DecisionView:
    approval_id: int
    instance_id: str
    workflow_id: str
    state: str
    actor: str
    decision: str
    comment: str | None
    at: float


@dataclass(frozen=True)
class DecisionPlace:
    """Where a decision stands in the newest-first list: when it was taken, its approval and its actor."""

    at: float
    approval_id: int
    actor: str


@dataclass(frozen=True)
class ApprovalRecordView:
    id: int
    instance_id: str
    tenant: str
    workflow_id: str
    state: str
    kind: str
    policy_id: str | None
    quorum: int
    request: dict[str, Any]
    status: str
    due_at: float | None
    created_at: float
    decided_at: float | None
    users: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    decisions: list[DecisionView] = field(default_factory=list)


@dataclass(frozen=True)
class ApprovalQuery:
    tenant: str
    username: str | None = None  # None with no roles: every request of the tenant (an admin's view)
    roles: Sequence[str] = ()
    status: StatusFilter = "pending"
    workflow_id: str | None = None
    instance_id: str | None = None


_COLUMNS = (
    _A.c.id,
    _A.c.instance_id,
    _A.c.tenant,
    _A.c.workflow_id,
    _A.c.state,
    _A.c.kind,
    _A.c.policy_id,
    _A.c.quorum,
    _A.c.request,
    _A.c.status,
    _A.c.due_at,
    _A.c.created_at,
    _A.c.decided_at,
)
_DECISION_COLUMNS = (
    _D.c.approval_id,
    _A.c.instance_id,
    _A.c.workflow_id,
    _A.c.state,
    _D.c.actor,
    _D.c.decision,
    _D.c.comment,
    _D.c.at,
)


def _assigned(query: ApprovalQuery) -> sa.ColumnElement[bool] | None:
    if query.username is None and not query.roles:
        return None
    names = [sa.and_(_S.c.kind == "role", _S.c.name.in_(list(query.roles)))] if query.roles else []
    if query.username is not None:
        names.append(sa.and_(_S.c.kind == "user", _S.c.name == query.username))
    return sa.exists(sa.select(1).where(_S.c.approval_id == _A.c.id, sa.or_(*names)))


def _where(query: ApprovalQuery) -> list[sa.ColumnElement[bool]]:
    clauses: list[sa.ColumnElement[bool]] = [_A.c.tenant == query.tenant]
    if query.status == "pending":
        clauses.append(_A.c.status == ApprovalStatus.PENDING)
    elif query.status == "decided":
        clauses.append(_A.c.status != ApprovalStatus.PENDING)
    if query.workflow_id is not None:
        clauses.append(_A.c.workflow_id == query.workflow_id)
    if query.instance_id is not None:
        clauses.append(_A.c.instance_id == query.instance_id)
    assigned = _assigned(query)
    if assigned is not None:
        clauses.append(assigned)
    return clauses


def _decision(row: sa.Row[Any]) -> DecisionView:
    return DecisionView(
        approval_id=int(row.approval_id),
        instance_id=row.instance_id,
        workflow_id=row.workflow_id,
        state=row.state,
        actor=row.actor,
        decision=row.decision,
        comment=load_optional(row.comment),
        at=float(row.at),
    )


def _views(connection: sa.Connection, rows: Sequence[sa.Row[Any]]) -> list[ApprovalRecordView]:
    ids = [int(r.id) for r in rows]
    if not ids:
        return []
    assignees: dict[int, list[tuple[str, str]]] = {i: [] for i in ids}
    for assignee in connection.execute(
        sa.select(_S.c.approval_id, _S.c.kind, _S.c.name).where(_S.c.approval_id.in_(ids)).order_by(_S.c.name)
    ):
        assignees[int(assignee.approval_id)].append((assignee.kind, assignee.name))
    decisions: dict[int, list[DecisionView]] = {i: [] for i in ids}
    joined = _D.join(_A, _A.c.id == _D.c.approval_id)
    statement = sa.select(*_DECISION_COLUMNS).select_from(joined).where(_D.c.approval_id.in_(ids))
    for row in connection.execute(statement.order_by(_D.c.at, _D.c.actor)):
        decisions[int(row.approval_id)].append(_decision(row))
    return [_record(r, assignees[int(r.id)], decisions[int(r.id)]) for r in rows]


def _record(row: sa.Row[Any], assignees: list[tuple[str, str]], decisions: list[DecisionView]) -> ApprovalRecordView:
    return ApprovalRecordView(
        id=int(row.id),
        instance_id=row.instance_id,
        tenant=row.tenant,
        workflow_id=row.workflow_id,
        state=row.state,
        kind=row.kind,
        policy_id=row.policy_id,
        quorum=int(row.quorum),
        request=load(row.request),
        status=row.status,
        due_at=None if row.due_at is None else float(row.due_at),
        created_at=float(row.created_at),
        decided_at=None if row.decided_at is None else float(row.decided_at),
        users=[name for kind, name in assignees if kind == "user"],
        roles=[name for kind, name in assignees if kind == "role"],
        decisions=decisions,
    )


def list_approvals(
    database: sa.Engine, query: ApprovalQuery, *, limit: int, offset: int
) -> tuple[list[ApprovalRecordView], int]:
    clauses = _where(query)
    order = (_A.c.created_at, _A.c.id) if query.status == "pending" else (_A.c.created_at.desc(), _A.c.id.desc())
    page = sa.select(*_COLUMNS).where(*clauses).order_by(*order).limit(limit).offset(offset)
    with reading(database) as connection:
        total = connection.execute(sa.select(sa.func.count()).select_from(_A).where(*clauses)).scalar_one()
        return _views(connection, connection.execute(page).all()), int(total)


def get_approval(database: sa.Engine, approval_id: int) -> ApprovalRecordView | None:
    with reading(database) as connection:
        found = _views(connection, connection.execute(sa.select(*_COLUMNS).where(_A.c.id == approval_id)).all())
    return found[0] if found else None


_DECIDED = _D.join(_A, _A.c.id == _D.c.approval_id)
_NEWEST_FIRST = (_D.c.at.desc(), _D.c.approval_id.desc(), _D.c.actor)


def decision_place(database: sa.Engine, *, tenant: str, approval_id: int, actor: str) -> DecisionPlace | None:
    """The place of `actor`'s decision on the approval `approval_id` of `tenant`; None when there is none."""
    found = sa.select(_D.c.at).select_from(_DECIDED).where(
        _A.c.tenant == tenant, _D.c.approval_id == approval_id, _D.c.actor == actor)
    with reading(database) as connection:
        at = connection.execute(found).scalar_one_or_none()
    return None if at is None else DecisionPlace(float(at), approval_id, actor)


def _listed_after(place: DecisionPlace) -> sa.ColumnElement[bool]:
    """The decisions after `place` in the newest-first order: taken before it; or at the same moment, on an
    approval of a lower id, or on the same approval by an actor later in name order. The range on `at` comes
    first, so that the tie is left to the rows of that one moment."""
    return sa.and_(_D.c.at <= place.at, sa.or_(
        _D.c.at < place.at,
        _D.c.approval_id < place.approval_id,
        sa.and_(_D.c.approval_id == place.approval_id, _D.c.actor > place.actor),
    ))


def list_decisions(
    database: sa.Engine, *, tenant: str, actor: str | None, limit: int, offset: int,
    before: DecisionPlace | None = None,
) -> tuple[list[DecisionView], int]:
    """The `limit` decisions of `tenant` (of `actor` only, when given) from `offset` in the newest-first order, and
    the number of them all. With `before` only the decisions listed after that place are paged, `offset` counting
    from it; the total still counts every one, as it does without a place."""
    clauses = [_A.c.tenant == tenant]
    if actor is not None:
        clauses.append(_D.c.actor == actor)
    listed = clauses if before is None else [*clauses, _listed_after(before)]
    page = (
        sa.select(*_DECISION_COLUMNS)
        .select_from(_DECIDED)
        .where(*listed)
        .order_by(*_NEWEST_FIRST)
        .limit(limit)
        .offset(offset)
    )
    with reading(database) as connection:
        total = connection.execute(sa.select(sa.func.count()).select_from(_DECIDED).where(*clauses)).scalar_one()
        rows = connection.execute(page).all()
    return [_decision(row) for row in rows], int(total)
