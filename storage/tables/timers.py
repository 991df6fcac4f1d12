"""Timers: rows with a due time. A due timer is claimed and fired inside the transition it causes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables.columns import BIG_ID, TIMESTAMP

__all__ = ["TimerRow"]


class TimerRow(SQLModel, table=True):
    __tablename__ = "timers"
    __table_args__ = (
        sa.Index("ix_timers_status_due", "status", "due_at"),
        sa.Index("ix_timers_instance_status", "instance_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    instance_id: str = Field(max_length=36)
    seq: int  # the instance version when it was armed
    fire: str = Field(max_length=64)  # the event it fires, or 'escalate'
    due_at: float = Field(sa_type=TIMESTAMP)
    status: str = Field(max_length=16)
