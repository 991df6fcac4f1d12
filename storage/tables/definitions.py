"""Deployed definitions: one immutable row per (workflow id, version)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from storage.tables.columns import JSON_TEXT, TIMESTAMP

__all__ = ["DefinitionRow"]


class DefinitionRow(SQLModel, table=True):
    __tablename__ = "definitions"

    workflow_id: str = Field(primary_key=True, max_length=128)
    version: int = Field(primary_key=True)
    title: str = Field(max_length=200)
    content: str = Field(sa_type=JSON_TEXT)
    content_hash: str = Field(max_length=64)
    deployed_at: float = Field(sa_type=TIMESTAMP)
    deployed_by: str | None = Field(default=None, max_length=200)
