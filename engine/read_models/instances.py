"""Instance listings: the filters of the API (workflow, version, state, status, tenant, time), newest first,
with the total. Parallel-branch instances are the engine's internals and are never listed.

A page is read in the order of the tenant indexes (`created_at` last but `branch`), but OFFSET still steps over
every row before it: at 300,000 instances the oldest page read 300,000 rows to return 50. A page past the middle
is therefore read from the other end — oldest first, skipping the rows after it — and turned round: no page
steps over more than half the matches, and the last pages cost what the first ones do.

A page may also be read from a place in that order (`before`: the instance the page comes after, the API's
cursor), so that a walk through the list stays put while instances are started: with `offset` alone, ten starts
between page 1 and page 2 repeat ten rows of page 1 on page 2. The place is a clause of the page's statement (a
keyset), and the page past the middle of what follows the place is read from the other end as above."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from engine.read_models._reading import reading
from storage.tables.core import table_of
from storage.tables.instances import InstanceRow

__all__ = ["InstanceQuery", "InstanceRowView", "search_instances"]

_T = table_of(InstanceRow)


@dataclass(frozen=True)
class InstanceQuery:
    tenant: str
    workflow_id: str | None = None
    version: int | None = None
    state: str | None = None
    status: str | None = None
    since: float | None = None
    until: float | None = None
    parent_id: str | None = None


@dataclass(frozen=True)
class InstanceRowView:
    id: str
    workflow_id: str
    workflow_version: int
    tenant: str
    state: str
    status: str
    parent_id: str | None
    created_at: float
    updated_at: float


_COLUMNS = [_T.c[name] for name in InstanceRowView.__dataclass_fields__]  # a row's keys are the view's fields


def _where(query: InstanceQuery) -> list[sa.ColumnElement[bool]]:
    clauses: list[sa.ColumnElement[bool]] = [_T.c.tenant == query.tenant, _T.c.branch == ""]
    for column, value in (
        (_T.c.workflow_id, query.workflow_id),
        (_T.c.workflow_version, query.version),
        (_T.c.state, query.state),
        (_T.c.status, query.status),
        (_T.c.parent_id, query.parent_id),
    ):
        if value is not None:
            clauses.append(column == value)
    if query.since is not None:
        clauses.append(_T.c.created_at >= query.since)
    if query.until is not None:
        clauses.append(_T.c.created_at < query.until)
    return clauses


def _page(clauses: list[sa.ColumnElement[bool]], total: int, *, limit: int,
          offset: int) -> tuple[sa.Select[tuple[object, ...]], bool]:
    """The statement reading rows `offset` to `offset + limit` of the newest-first order of `total` matches, and
    whether it reads them oldest first (to be turned round): so when they lie past the middle."""
    rows = sa.select(*_COLUMNS).where(*clauses)
    if offset + limit / 2 <= total / 2:
        return rows.order_by(_T.c.created_at.desc(), _T.c.id).limit(limit).offset(offset), False
    older = total - offset - limit  # the matches older than the page, skipped from the oldest end (< 0: a last
    # page that is not full, which holds the oldest `total - offset`)
    return (rows.order_by(_T.c.created_at, _T.c.id.desc()).limit(limit + min(older, 0)).offset(max(older, 0)),
            True)


def _counted(clauses: list[sa.ColumnElement[bool]]) -> sa.Select[tuple[int]]:
    return sa.select(sa.func.count()).select_from(_T).where(*clauses)


def _listed_after(place: tuple[float, str]) -> sa.ColumnElement[bool]:
    """The instances after the one at `place` (its created_at and id) in the newest-first order: created before
    it, or at the same moment with a later id. The range on `created_at` comes first so that the tenant indexes
    are read from the place on, in order; the tie is left to a filter on the rows of that one moment."""
    created_at, instance_id = place
    return sa.and_(_T.c.created_at <= created_at, sa.or_(_T.c.created_at < created_at, _T.c.id > instance_id))


def _count_after(connection: sa.Connection, clauses: list[sa.ColumnElement[bool]],
                 place: tuple[float, str]) -> int:
    """How many matches of `clauses` are listed after `place`, counted in two parts: those created before it
    come from the tenant indexes alone (which do not hold `id`, so one clause on it would read every row's id
    from the table), those created at its very moment (nearly always none) are read to compare their ids."""
    created_at, instance_id = place
    older = _counted([*clauses, _T.c.created_at < created_at]).scalar_subquery()
    same_moment = _counted([*clauses, _T.c.created_at == created_at, _T.c.id > instance_id]).scalar_subquery()
    return int(connection.execute(sa.select(older + same_moment)).scalar_one())


def search_instances(
    database: sa.Engine, query: InstanceQuery, *, limit: int, offset: int, before: tuple[float, str] | None = None
) -> tuple[list[InstanceRowView], int]:
    """The `limit` matches of `query` from `offset` in the list's order (`created_at` descending, then `id`
    ascending among instances created at the same moment), and the number of all matches. With `before` (the
    created_at and id of an instance, which need not match) only the matches listed after that instance are
    paged, `offset` counting from it; the total still counts every match, as it does without a place."""
    clauses = _where(query)
    with reading(database) as connection:
        total = int(connection.execute(_counted(clauses)).scalar_one())
        if before is None:
            listed, remaining = clauses, total
        else:
            listed, remaining = [*clauses, _listed_after(before)], _count_after(connection, clauses, before)
        if offset >= remaining:
            return [], total
        page, oldest_first = _page(listed, remaining, limit=limit, offset=offset)
        rows = list(connection.execute(page))
    if oldest_first:
        rows.reverse()
    return [InstanceRowView(**row._mapping) for row in rows], total
