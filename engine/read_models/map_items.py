"""A map's items as an operator looks for them: which of a thousand failed and why, which still run and where.

The items of an instance's latest visit of a map state (the one it is in, or the last one it left: a map that
tolerated failures has ended, and those are what its operator asks about), in item order, a page at a time,
optionally of one status, with the count of each status. Each item is a child instance; its error (why it
failed) and the state it is in come with it. Read by index seeks on (parent_id, parent_seq, status): a page
and its counts cost the visit's children, never the instance's whole history.

An item whose flow handled its failure (a task's `error` transition into a final state of outcome failure) has
no error of its own: why it failed is in its history, the payload of its last `error` event. Those of a page's
failed items are read in one more statement, by the history's key — never for an item that did not fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from engine.read_models._reading import reading
from engine.runtime.map_items import split_item
from engine.runtime.snapshot import InstanceStatus
from storage.codec import load_optional
from storage.tables.core import table_of
from storage.tables.history import HistoryRow
from storage.tables.instances import InstanceRow

__all__ = ["MapItem", "MapItems", "map_item_instance", "map_items_page"]

_I = table_of(InstanceRow)
_H = table_of(HistoryRow)


@dataclass(frozen=True, slots=True)
class MapItem:
    index: int
    instance_id: str
    status: str
    state: str  # the state of the iterator (or the subflow) the item is in, or ended in
    error: Any  # why it failed ({kind, message}); None unless it failed or is stuck (see `_why_failed`)
    updated_at: float


@dataclass(frozen=True, slots=True)
class MapItems:
    state: str | None  # the map state; None when the instance never started a map's items
    visit_seq: int | None  # the step that entered it (the items' `parent_seq`)
    counts: dict[str, int]  # the visit's items started so far, by status
    total: int  # the items of the page's status (all started, without one)
    items: list[MapItem]


def _latest_visit(connection: sa.Connection, instance_id: str) -> int | None:
    """The latest step of the instance that started map items (its other children are parallel branches and
    subflows: each visit starts one kind, so one branch a visit tells which)."""
    visits = (sa.select(_I.c.parent_seq, sa.func.min(_I.c.branch)).where(_I.c.parent_id == instance_id)
              .group_by(_I.c.parent_seq).order_by(_I.c.parent_seq.desc()))
    for seq, branch in connection.execute(visits):
        if seq is not None and split_item(branch)[1] is not None:
            return int(seq)
    return None


def _last_errors(connection: sa.Connection, instance_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The last failure the history of each of these instances records, if any — its last `error` event's
    payload, as an error: one statement, each instance's rows found by the history's key (instance_id, seq)."""
    if not instance_ids:
        return {}
    last = (sa.select(_H.c.instance_id, sa.func.max(_H.c.seq).label("seq"))
            .where(_H.c.instance_id.in_(instance_ids), _H.c.event == "error").group_by(_H.c.instance_id).subquery())
    rows = connection.execute(sa.select(_H.c.instance_id, _H.c.payload).join(
        last, sa.and_(_H.c.instance_id == last.c.instance_id, _H.c.seq == last.c.seq)))
    return {str(r.instance_id): _failure_of(load_optional(r.payload)) for r in rows}


def _failure_of(payload: Any) -> dict[str, Any]:
    """An `error` event's payload as an error: its kind and message."""
    if isinstance(payload, dict) and payload.get("message") is not None:
        return {"kind": str(payload.get("kind") or "error"), "message": str(payload["message"])}
    return {"kind": "error", "message": "an error event without a message"}


def _why_failed(status: str, state: str, error: Any, handled: dict[str, Any] | None) -> Any:
    """Why an item failed: its own error; else (a failure its flow handled) the last failure its history records
    (`handled`); else the failure final state it ended in. None unless it failed or has an error of its own."""
    if error is not None or status != InstanceStatus.FAILED:
        return error
    if handled is not None:
        return handled
    return {"kind": "failure_state", "message": f"ended in the failure state '{state}'"}


def map_items_page(database: sa.Engine, instance_id: str, *, status: str | None = None, limit: int = 50,
                   offset: int = 0) -> MapItems:
    """A page of the items of the instance's latest map visit, in item order (the caller checked the instance is
    the tenant's)."""
    with reading(database) as connection:
        seq = _latest_visit(connection, instance_id)
        if seq is None:
            return MapItems(None, None, {}, 0, [])
        visit = sa.and_(_I.c.parent_id == instance_id, _I.c.parent_seq == seq)
        state = connection.execute(sa.select(_H.c.to_state).where(_H.c.instance_id == instance_id,
                                                                  _H.c.seq == seq)).scalar_one_or_none()
        counts = {row[0]: int(row[1]) for row in connection.execute(
            sa.select(_I.c.status, sa.func.count()).where(visit).group_by(_I.c.status))}
        chosen = visit if status is None else sa.and_(visit, _I.c.status == status)
        # '…#9' before '…#10': a visit's branches differ only in their index, so shorter is smaller
        rows = connection.execute(
            sa.select(_I.c.id, _I.c.branch, _I.c.status, _I.c.state, _I.c.error, _I.c.updated_at).where(chosen)
            .order_by(sa.func.length(_I.c.branch), _I.c.branch).limit(limit).offset(offset)).all()
        errors = {r.id: load_optional(r.error) for r in rows}
        handled = _last_errors(connection, [r.id for r in rows
                                            if r.status == InstanceStatus.FAILED and errors[r.id] is None])
    items = [MapItem(split_item(r.branch)[1] or 0, r.id, r.status, r.state,
                     _why_failed(r.status, r.state, errors[r.id], handled.get(r.id)), float(r.updated_at))
             for r in rows]
    total = sum(counts.values()) if status is None else counts.get(status, 0)
    return MapItems(state, seq, counts, total, items)


def map_item_instance(database: sa.Engine, instance_id: str, index: int) -> tuple[str, int] | None:
    """(id, transitions) of the item `index` of the instance's latest map visit; None when there is no such item
    (the caller checked the instance is the tenant's)."""
    with reading(database) as connection:
        seq = _latest_visit(connection, instance_id)
        if seq is None:
            return None
        row = connection.execute(
            sa.select(_I.c.id, _I.c.version, _I.c.branch)
            .where(_I.c.parent_id == instance_id, _I.c.parent_seq == seq, _I.c.branch.like(f"%#{index}"))).first()
    if row is None or split_item(row.branch)[1] != index:
        return None
    return str(row.id), int(row.version)
