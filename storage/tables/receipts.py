"""Idempotency receipts: the first answer to a request with a key, returned again for any repeat."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from storage.tables.columns import JSON_TEXT, TIMESTAMP

__all__ = ["ReceiptRow"]


class ReceiptRow(SQLModel, table=True):
    __tablename__ = "receipts"

    scope: str = Field(primary_key=True, max_length=200)
    key: str = Field(primary_key=True, max_length=200)
    instance_id: str = Field(max_length=36)
    response: str = Field(sa_type=JSON_TEXT)
    created_at: float = Field(sa_type=TIMESTAMP)
    # a digest of what the request asked for (None on receipts kept before 0011): a repeat must ask the same
    request: str | None = Field(default=None, max_length=64)
