"""Published events, the instances waiting for one, and what each event did (exactly once per instance)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables.columns import BIG_ID, JSON_TEXT, TIMESTAMP

__all__ = ["EventDeliveryRow", "EventRow", "EventWaitRow"]


class EventRow(SQLModel, table=True):
    __tablename__ = "events"
    __table_args__ = (
        sa.UniqueConstraint("tenant", "idempotency_key", name="uq_events_idempotency"),
        # a wait that arms with a correlation key looks for an event published for it before it armed
        sa.Index("ix_events_kept", "tenant", "event_type", "correlation_key"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    tenant: str = Field(max_length=64)
    event_type: str = Field(max_length=128, index=True)
    correlation_key: str | None = Field(default=None, max_length=200)
    payload: str = Field(sa_type=JSON_TEXT)
    idempotency_key: str | None = Field(default=None, max_length=200)
    published_at: float = Field(sa_type=TIMESTAMP)
    published_by: str | None = Field(default=None, max_length=200)
    # until when a wait that arms later may take it (an event with a correlation key that reached no wait when
    # published); None once a wait took it, or for an event never kept
    kept_until: float | None = Field(default=None, sa_type=TIMESTAMP)


class EventWaitRow(SQLModel, table=True):
    __tablename__ = "event_waits"
    __table_args__ = (
        sa.Index("ix_event_waits_match", "tenant", "event_type", "status"),
        sa.Index("ix_event_waits_instance_status", "instance_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    instance_id: str = Field(max_length=36)
    seq: int
    tenant: str = Field(max_length=64)
    event_type: str = Field(max_length=128)
    correlation_key: str | None = Field(default=None, max_length=200)
    status: str = Field(max_length=16)


class EventDeliveryRow(SQLModel, table=True):
    __tablename__ = "event_deliveries"

    event_id: int = Field(primary_key=True, sa_type=BIG_ID)
    instance_id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=16)  # 'started' or 'delivered'
    at: float = Field(sa_type=TIMESTAMP)
