"""Timers: rows with a due time. `claim` flips one from armed to fired, so it fires once, inside the
transaction that applies what it causes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from storage.transaction import Row, Transaction

__all__ = ["TimerRecord", "TimerStore"]

_COLUMNS = "id, instance_id, seq, fire, due_at, status"


@dataclass(frozen=True, slots=True)
class TimerRecord:
    id: int
    instance_id: str
    seq: int
    fire: str
    due_at: float
    status: str


def _record(row: Row) -> TimerRecord:
    return TimerRecord(int(row[0]), row[1], int(row[2]), row[3], float(row[4]), row[5])

_NEXT_DUE = "SELECT MIN(due_at) FROM timers WHERE status = 'armed'"


class TimerStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def arm(self, *, instance_id: str, seq: int, fire: str, due_at: float) -> None:
        """Add an armed timer (sent with the transaction's deferred writes)."""
        self.tx.defer(
            "INSERT INTO timers (instance_id, seq, fire, due_at, status) VALUES (?, ?, ?, ?, 'armed')",
            (instance_id, seq, fire, due_at),
        )

    def next_claimable(self, now: float) -> TimerRecord | None:
        """The earliest due armed timer; on PostgreSQL locked for this transaction, skipping locked ones."""
        lock = " FOR UPDATE SKIP LOCKED" if self.tx.postgresql else ""
        row = self.tx.one(
            f"SELECT {_COLUMNS} FROM timers WHERE status = 'armed' AND due_at <= ? ORDER BY due_at, id LIMIT 1{lock}",  # noqa: S608
            (now,),
        )
        return None if row is None else _record(row)

    def claim(self, timer_id: int) -> bool:
        """Armed → fired. True for exactly one caller, however many try."""
        return self.tx.execute("UPDATE timers SET status = 'fired' WHERE id = ? AND status = 'armed'", (timer_id,)) == 1

    def cancel_for_instance(self, instance_id: str) -> int:
        return self.tx.execute(
            "UPDATE timers SET status = 'cancelled' WHERE instance_id = ? AND status = 'armed'", (instance_id,)
        )

    def for_instance(self, instance_id: str) -> list[TimerRecord]:
        rows = self.tx.all(f"SELECT {_COLUMNS} FROM timers WHERE instance_id = ? ORDER BY id", (instance_id,))  # noqa: S608
        return [_record(r) for r in rows]

    def for_instances(self, instance_ids: Sequence[str]) -> list[TimerRecord]:
        """`for_instance` of several instances in one statement: each one's in id order, the instances in turn."""
        rows = self.tx.all_in(f"SELECT {_COLUMNS} FROM timers", "instance_id", instance_ids,  # noqa: S608
                              order="instance_id, id")
        return [_record(r) for r in rows]

    def next_due(self) -> float | None:
        return self.next_due_later()()

    def next_due_later(self) -> Callable[[], float | None]:
        """`next_due`, sent with the transaction's next statement (`Transaction.later`): call it for the time."""
        rows = self.tx.later(_NEXT_DUE)

        def due() -> float | None:
            value = rows()[0][0]
            return None if value is None else float(value)

        return due
