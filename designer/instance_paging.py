"""The instance list read from a place in it: the page after a given instance, so that a walk through the list
stays put while instances are started (with `offset` alone, ten starts between page 1 and page 2 repeat ten rows
of page 1 on page 2).

The list runs newest first — `created_at` descending, then `id` ascending among instances created at the same
moment — and the place is an instance: the page holds the instances after it in that order. The engine's listing
filters by time, not by a place in that order, so the page is read in two parts: the instances created at the
very moment of the place, with a later id (nearly always none: two starts in one microsecond), then those created
before it, each through `search_instances` with the time window narrowed; `total` counts every match of the
filters, as it does without a place.
"""

from __future__ import annotations

import math
from dataclasses import replace

import sqlalchemy as sa

from engine.read_models.instances import InstanceQuery, InstanceRowView, search_instances

__all__ = ["instances_after"]

_TIES_PAGE = 500


def _at_the_moment(database: sa.Engine, query: InstanceQuery, created_at: float, instance_id: str,
                   wanted: int) -> list[InstanceRowView]:
    """Up to `wanted` of the matches created at exactly `created_at` whose id comes after `instance_id`."""
    if (query.since is not None and query.since > created_at) or (query.until is not None
                                                                  and query.until <= created_at):
        return []
    moment = replace(query, since=created_at, until=math.nextafter(created_at, math.inf))
    found: list[InstanceRowView] = []
    read = 0
    while len(found) < wanted:
        rows, total = search_instances(database, moment, limit=_TIES_PAGE, offset=read)
        found += [row for row in rows if row.id > instance_id]  # listed by id, ascending, at one moment
        read += _TIES_PAGE
        if read >= total:
            break
    return found[:wanted]


def instances_after(database: sa.Engine, query: InstanceQuery, place: tuple[float, str], *, limit: int,
                    offset: int) -> tuple[list[InstanceRowView], int]:
    """The page of `limit` matches of `query` after the instance at `place` (its created_at and id) in the
    list's order, `offset` of them skipped first; and the number of all matches."""
    created_at, instance_id = place
    _, total = search_instances(database, query, limit=1, offset=0)
    same_moment = _at_the_moment(database, query, created_at, instance_id, offset + limit)
    page = same_moment[offset:]
    if len(page) >= limit:
        return page[:limit], total
    until = created_at if query.until is None else min(query.until, created_at)
    if query.since is not None and query.since >= until:
        return page, total
    older, _ = search_instances(database, replace(query, until=until), limit=limit - len(page),
                                offset=max(0, offset - len(same_moment)))
    return page + older, total
