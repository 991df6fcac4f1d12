"""Deployed agents: one immutable row per (agent id, version), the content the engine runs tasks through."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from storage.tables.columns import JSON_TEXT, TIMESTAMP

__all__ = ["AgentRow"]


class AgentRow(SQLModel, table=True):
    __tablename__ = "agents"

    agent_id: str = Field(primary_key=True, max_length=128)
    version: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=200)
    content: str = Field(sa_type=JSON_TEXT)
    content_hash: str = Field(max_length=64)
    deployed_at: float = Field(sa_type=TIMESTAMP, index=True)
    deployed_by: str | None = Field(default=None, max_length=200)
