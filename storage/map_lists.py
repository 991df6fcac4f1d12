"""The list each visit of a map state maps over, kept as the visit enters the state: every later batch of items
is started from this list, in any process, however the values it was computed from (shared memory, the
budget) have moved on since."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storage.codec import dump, load
from storage.records import record
from storage.transaction import Transaction

__all__ = ["KeptList", "MapListStore"]

_KEEP = "INSERT INTO map_lists (instance_id, seq, items, reuses, created_at) VALUES (?, ?, ?, ?, ?)"


@record
class KeptList:
    items: tuple[Any, ...]
    reuses: int | None  # a redriven map's visit: the earlier visit whose succeeded items it carries over
    entered_at: float  # when the visit entered the map: the `now` its items' inputs are read at


class MapListStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def keep(self, instance_id: str, seq: int, items: Sequence[Any], *, reuses: int | None, now: float) -> None:
        """Keep the list of the visit `seq` (the step entering the map), with the transaction's other writes;
        `reuses`: the earlier visit whose succeeded items a redriven map carries over."""
        self.tx.defer(_KEEP, (instance_id, seq, dump(list(items)), reuses, now))

    def get(self, instance_id: str, seq: int) -> KeptList | None:
        """The list of the visit `seq`, the visit it carries items over from and when it was entered; None for a
        visit entered before lists were kept (read again then)."""
        row = self.tx.one("SELECT items, reuses, created_at FROM map_lists WHERE instance_id = ? AND seq = ?",
                          (instance_id, seq))
        if row is None:
            return None
        return KeptList(tuple(load(row[0])), None if row[1] is None else int(row[1]), float(row[2]))
