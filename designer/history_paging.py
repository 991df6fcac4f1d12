"""Which transitions a page of an instance's history holds, oldest first or newest first.

History's seqs run 1, 2, … without a gap and an instance's `version` counts them, so any page — from either
end, or before a seq a client already has — is one range of seqs, read by the engine's ascending read of that
range alone (its rows and its tasks' attempts), and reversed for newest first: a page of a long history costs
what its own rows cost, whichever end it is taken from.
"""

from __future__ import annotations

from typing import Literal

from engine.runtime.engine import Engine
from engine.runtime.views import HistoryEntry

__all__ = ["Order", "history_page"]

Order = Literal["asc", "desc"]


def _newest_first(engine: Engine, instance_id: str, total: int, *, limit: int, offset: int,
                  before: int | None) -> list[HistoryEntry]:
    """`limit` transitions, newest first: those before seq `before` (the latest when absent), `offset` of them
    skipped."""
    newest = (total if before is None else min(total, before - 1)) - offset  # the page's first seq
    oldest = max(1, newest - limit + 1)
    if newest < 1:
        return []
    return engine.history(instance_id, after_seq=oldest - 1, limit=newest - oldest + 1)[::-1]


def history_page(engine: Engine, instance_id: str, total: int, *, order: Order, limit: int, offset: int,
                 before: int | None) -> list[HistoryEntry]:
    """A page of the history of `instance_id` (which made `total` transitions), only transitions before seq
    `before` when given. Oldest first (`asc`): those after seq `offset`. Newest first (`desc`): `offset` skipped
    from the latest, or from `before` — a cursor that stays put while the instance moves on."""
    if order == "asc":
        if before is not None:
            limit = min(limit, max(0, before - 1 - offset))
        return engine.history(instance_id, after_seq=offset, limit=limit) if limit else []
    return _newest_first(engine, instance_id, total, limit=limit, offset=offset, before=before)
