"""The append-only transition history: one row per transition, `seq` gapless per instance."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from storage.tables.columns import JSON_TEXT, TIMESTAMP

__all__ = ["HistoryRow"]


class HistoryRow(SQLModel, table=True):
    __tablename__ = "history"

    instance_id: str = Field(primary_key=True, max_length=36)
    seq: int = Field(primary_key=True)
    from_state: str | None = Field(default=None, max_length=128)
    to_state: str = Field(max_length=128)
    event: str = Field(max_length=128)
    actor: str | None = Field(default=None, max_length=200)
    payload: str | None = Field(default=None, sa_type=JSON_TEXT)
    context_change: str | None = Field(default=None, sa_type=JSON_TEXT)
    status: str = Field(max_length=16)
    guards: str | None = Field(default=None, sa_type=JSON_TEXT)
    policies: str | None = Field(default=None, sa_type=JSON_TEXT)
    at: float = Field(sa_type=TIMESTAMP)
    duration_s: float = 0.0
    cost: float | None = None
