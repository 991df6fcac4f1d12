"""The job outbox: work a worker claims with a lease (run an action, resume a parent, deliver an event)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables.columns import BIG_ID, JSON_TEXT, TIMESTAMP

__all__ = ["JobRow"]


class JobRow(SQLModel, table=True):
    __tablename__ = "jobs"
    __table_args__ = (
        sa.Index("ix_jobs_status_due", "status", "due_at"),
        sa.Index("ix_jobs_instance_status", "instance_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    kind: str = Field(max_length=32)
    instance_id: str | None = Field(default=None, max_length=36)
    idempotency_key: str = Field(max_length=200, unique=True)
    payload: str = Field(sa_type=JSON_TEXT)
    status: str = Field(max_length=16)
    attempt: int = 1
    due_at: float = Field(sa_type=TIMESTAMP)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_expires: float | None = Field(default=None, sa_type=TIMESTAMP)
    last_error: str | None = Field(default=None, sa_type=JSON_TEXT)
    created_at: float = Field(sa_type=TIMESTAMP)
    updated_at: float = Field(sa_type=TIMESTAMP)
