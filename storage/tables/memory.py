"""Shared memory: key/value entries per tenant and scope, each with an optional expiry time."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables.columns import JSON_TEXT, TIMESTAMP

__all__ = ["SharedMemoryRow"]


class SharedMemoryRow(SQLModel, table=True):
    __tablename__ = "shared_memory"
    __table_args__ = (sa.Index("ix_shared_memory_expires_at", "expires_at"),)

    tenant: str = Field(primary_key=True, max_length=64)
    scope: str = Field(primary_key=True, max_length=64)  # 'global', or 'workflow:<top-level instance id>'
    key: str = Field(primary_key=True, max_length=200)
    value: str = Field(sa_type=JSON_TEXT)
    expires_at: float | None = Field(default=None, sa_type=TIMESTAMP)  # None: never
    updated_at: float = Field(sa_type=TIMESTAMP)
