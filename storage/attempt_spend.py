"""What running attempts have spent so far (the `attempt_spend` table): a handler's running total, kept apart
from its outcome so that a worker killed mid-attempt loses none of it."""

from __future__ import annotations

from dataclasses import dataclass

from storage.transaction import Transaction

__all__ = ["AttemptSpendStore", "Spent"]


@dataclass(frozen=True, slots=True)
class Spent:
    amount: float
    tokens: int
    model: str | None
    priced: bool


class AttemptSpendStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def tally(self, job_id: int, attempt: int, spent: Spent, now: float) -> None:
        """Keep `spent` as what attempt `attempt` of the job has spent so far (it replaces the last tally)."""
        self.tx.execute(
            "INSERT INTO attempt_spend (job_id, attempt, amount, tokens, model, priced, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, attempt) DO UPDATE SET amount = excluded.amount, "
            "tokens = excluded.tokens, model = excluded.model, priced = excluded.priced, "
            "updated_at = excluded.updated_at",
            (job_id, attempt, spent.amount, spent.tokens, spent.model, spent.priced, now),
        )

    def take(self, job_id: int, attempt: int) -> Spent | None:
        """The attempt's last tally, forgotten (None when it reported none)."""
        row = self.tx.one("DELETE FROM attempt_spend WHERE job_id = ? AND attempt = ? "
                          "RETURNING amount, tokens, model, priced", (job_id, attempt))
        return None if row is None else Spent(float(row[0]), int(row[1]), row[2], bool(row[3]))

    def forget(self, job_id: int, attempt: int) -> None:
        """Drop the attempt's tally, if any (its outcome, with its whole cost, is recorded), with the transaction's
        deferred writes."""
        self.tx.defer("DELETE FROM attempt_spend WHERE job_id = ? AND attempt = ?", (job_id, attempt))
