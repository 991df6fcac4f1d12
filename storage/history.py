"""The transition history: appended in the transaction that makes the transition, read in `seq` order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storage.codec import dump, load_optional
from storage.records import record
from storage.transaction import Row, Transaction

__all__ = ["BranchStep", "HistoryRecord", "HistoryRow", "HistoryStore", "Step"]

_COLUMNS = (
    "instance_id, seq, from_state, to_state, event, actor, payload, context_change, status, guards, policies, "
    "at, duration_s, cost"
)
_INSERT = f"INSERT INTO history ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"  # noqa: S608


# The descendants of an instance that run in a `branch` (parallel branches, map items; not the subflows), and
# each one's distinct transitions. A descendant without a transition yet is there too, with NULLs.
_BRANCH_STEPS = """
WITH RECURSIVE tree (id, branch) AS (
    SELECT id, branch FROM instances WHERE parent_id = ? AND branch <> ''
    UNION ALL
    SELECT c.id, c.branch FROM instances c JOIN tree t ON c.parent_id = t.id WHERE c.branch <> ''
)
SELECT DISTINCT t.id, t.branch, h.from_state, h.event, h.to_state
FROM tree t LEFT JOIN history h ON h.instance_id = t.id
"""

Step = tuple[str | None, str, str]
"""(from_state, event, to_state) of a transition; no `from_state` for the one that entered the first state."""

BranchStep = tuple[str, str, str | None, str | None, str | None]
"""(instance_id, branch, from_state, event, to_state): a distinct transition of a descendant run in a branch."""


@record
class HistoryRecord:
    instance_id: str
    seq: int
    from_state: str | None
    to_state: str
    event: str
    actor: str | None
    payload: Any
    context_change: Any
    status: str
    guards: Any
    policies: Any
    at: float
    duration_s: float
    cost: float | None


HistoryRow = tuple[str, int, str | None, str, str, str | None, str | None, str | None, str, str | None, str | None,
                   float, float, float | None]
"""A history row as it is inserted (`HistoryStore.append_rows`), its values in the columns' order: instance_id,
seq, from_state, to_state, event, actor, payload, context_change, status, guards, policies, at, duration_s, cost
— its JSON columns (payload, context_change, guards, policies) encoded already, for a caller that has their text
(the decision writer encodes a task's output once, for its row's payload and its context change alike). A plain
tuple of exact `str`s, as sqlite3 binds fastest: a tuple subclass (a named tuple) is read as a sequence, item by
item, and a `str` subclass (a `StrEnum` status) is bound only after looking up an adapter for
it, half a microsecond a parameter."""


def _record(row: Row) -> HistoryRecord:
    return HistoryRecord(
        instance_id=row[0], seq=int(row[1]), from_state=row[2], to_state=row[3], event=row[4], actor=row[5],
        payload=load_optional(row[6]), context_change=load_optional(row[7]), status=row[8],
        guards=load_optional(row[9]), policies=load_optional(row[10]), at=float(row[11]),
        duration_s=float(row[12]), cost=None if row[13] is None else float(row[13]),
    )


def _params(r: HistoryRecord) -> tuple[Any, ...]:
    # `dump_optional` spelt out: four calls a row, ten rows a lead qualification
    payload, change, guards, policies = r.payload, r.context_change, r.guards, r.policies
    return (
        r.instance_id, r.seq, r.from_state, r.to_state, r.event, r.actor, None if payload is None else dump(payload),
        None if change is None else dump(change), str(r.status), None if guards is None else dump(guards),
        None if policies is None else dump(policies), r.at, r.duration_s, r.cost,
    )


class HistoryStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def append(self, records: Sequence[HistoryRecord]) -> None:
        """Append rows; they are written with the transaction's other deferred inserts, before it commits."""
        self.tx.defer_all(_INSERT, [_params(row) for row in records])

    def append_rows(self, rows: Sequence[HistoryRow]) -> None:
        """`append` of rows encoded already (`HistoryRow`): no record built, nor its values encoded again."""
        self.tx.defer_all(_INSERT, [*rows])

    def for_instance(self, instance_id: str, *, after_seq: int = 0, limit: int | None = None) -> list[HistoryRecord]:
        sql = f"SELECT {_COLUMNS} FROM history WHERE instance_id = ? AND seq > ? ORDER BY seq"  # noqa: S608
        params: list[Any] = [instance_id, after_seq]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_record(r) for r in self.tx.all(sql, params)]

    def trail(self, instance_id: str) -> list[tuple[int, str | None, str, str, str | None, float | None]]:
        """(seq, from_state, to_state, event, actor, cost) of every transition, in order: the few columns the
        path, the diagram's highlight and the cost total need, without decoding a payload or a context change."""
        rows = self.tx.all("SELECT seq, from_state, to_state, event, actor, cost FROM history WHERE instance_id = ? "
                           "ORDER BY seq", (instance_id,))
        return [(int(r[0]), r[1], r[2], r[3], r[4], None if r[5] is None else float(r[5])) for r in rows]

    def distinct_steps(self, instance_id: str) -> list[Step]:
        """Each distinct transition of the instance once, however often it was taken, in no order: what a
        diagram's highlight needs, where a loop's history has tens of thousands of rows and a handful of
        distinct steps (the rows are deduplicated by the database, not sent)."""
        rows = self.tx.all("SELECT DISTINCT from_state, event, to_state FROM history WHERE instance_id = ?",
                           (instance_id,))
        return [(r[0], r[1], r[2]) for r in rows]

    def branch_steps(self, root_id: str) -> list[BranchStep]:
        """`distinct_steps` of every descendant of `root_id` that runs in a branch of its parent's (parallel
        branches and map items, nested; not subflows), in one statement however many there are; one with no
        transition yet comes as a row of NULLs."""
        rows = self.tx.all(_BRANCH_STEPS, (root_id,))
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def event_at(self, instance_id: str, seq: int) -> tuple[str, Any, float] | None:
        """(event, payload, time) of the transition `seq`: one row read by its key, the rest of its columns not
        decoded."""
        row = self.tx.one("SELECT event, payload, at FROM history WHERE instance_id = ? AND seq = ?",
                          (instance_id, seq))
        return None if row is None else (row[0], load_optional(row[1]), float(row[2]))

    def left_at(self, instance_id: str, seq: int) -> tuple[str | None, str, Any] | None:
        """(the state left, event, payload) of the transition `seq`: what made an instance end as it did."""
        row = self.tx.one("SELECT from_state, event, payload FROM history WHERE instance_id = ? AND seq = ?",
                          (instance_id, seq))
        return None if row is None else (row[0], row[1], load_optional(row[2]))

    def count(self, instance_id: str) -> int:
        return int(self.tx.scalar("SELECT COUNT(*) FROM history WHERE instance_id = ?", (instance_id,)) or 0)
