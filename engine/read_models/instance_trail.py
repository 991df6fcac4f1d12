"""What an instance's detail tells of its history, read without bringing every transition into Python: who
started it, what it cost, each distinct move it made (for the diagram) and the states it entered lately.

A history grows without bound (an instance asked again and again, a loop that runs for months); its detail is
read on every change and every refresh of its page. The cost and the moves are aggregated by the database in
passes over the instance's rows that bring back a sum and a few moves, not 20,000 rows; the path is built from the
latest `PATH_WINDOW` transitions only — the page shows the same latest transitions, and older ones are paged
from the history on request.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from engine.read_models._reading import reading
from storage.tables.core import table_of
from storage.tables.history import HistoryRow

__all__ = ["PATH_WINDOW", "Move", "TrailSummary", "summarise_trail"]

PATH_WINDOW = 500  # the instance page's history page: the path covers what its timeline shows first

_H = table_of(HistoryRow)


@dataclass(frozen=True, slots=True)
class Move:
    """A move an instance made, once however often it made it."""

    from_state: str | None
    to_state: str
    event: str


@dataclass(frozen=True, slots=True)
class TrailSummary:
    started_by: str | None
    cost: float
    moves: list[Move]  # ordered by states and event, for a stable answer
    path: list[str]  # the states entered over the latest PATH_WINDOW transitions, a repeat of the last one left out
    path_truncated: bool  # earlier transitions are not in `path`


def _path(steps: list[tuple[str | None, str]], truncated: bool) -> list[str]:
    """The states entered, in order; a window that starts past the first transition begins where it left."""
    path: list[str] = []
    if truncated and steps and steps[0][0] is not None:
        path.append(steps[0][0])
    for _, to_state in steps:
        if not path or to_state != path[-1]:
            path.append(to_state)
    return path


def summarise_trail(database: sa.Engine, instance_id: str, transitions: int) -> TrailSummary:
    """The summary of the history of `instance_id`, which made `transitions` transitions (its `version`: seqs
    run 1, 2, … without a gap, so the latest window is a range of the primary key)."""
    mine = _H.c.instance_id == instance_id
    # Two passes, not one GROUP BY with the sum: SQLite sorts every row into a temporary B-tree for that (65 ms at
    # 20,000 transitions), against 10-20 ms for a sum and a DISTINCT of the moves.
    cost = sa.select(sa.func.coalesce(sa.func.sum(_H.c.cost), 0.0)).where(mine)
    moves = sa.select(_H.c.from_state, _H.c.to_state, _H.c.event).where(mine).distinct()
    first = transitions - PATH_WINDOW  # the seq after which the window starts
    latest = sa.select(_H.c.from_state, _H.c.to_state).where(mine, _H.c.seq > first).order_by(_H.c.seq)
    with reading(database) as connection:
        started_by = connection.execute(sa.select(_H.c.actor).where(mine, _H.c.seq == 1)).scalar_one_or_none()
        total_cost = float(connection.execute(cost).scalar_one())
        distinct = connection.execute(moves).all()
        steps = [(r.from_state, r.to_state) for r in connection.execute(latest)]
    return TrailSummary(
        started_by=started_by,
        cost=total_cost,
        moves=sorted((Move(r[0], r[1], r[2]) for r in distinct), key=lambda m: (m.from_state or "", m.to_state,
                                                                                 m.event)),
        path=_path(steps, first > 0),
        path_truncated=first > 0,
    )
