"""What a running attempt has spent so far, reported by its handler as it spends (each model call), so a worker
killed mid-attempt loses none of it: the next worker records it with the attempt it counts as lost."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from storage.tables.columns import BIG_ID, TIMESTAMP

__all__ = ["AttemptSpendRow"]


class AttemptSpendRow(SQLModel, table=True):
    __tablename__ = "attempt_spend"

    job_id: int = Field(primary_key=True, sa_type=BIG_ID)
    attempt: int = Field(primary_key=True)
    amount: float = 0.0
    tokens: int = 0
    model: str | None = Field(default=None, max_length=200)
    priced: bool = True
    updated_at: float = Field(sa_type=TIMESTAMP)
