"""Action attempts: one row per attempt of a task's action — its outcome, error, cost and the tool calls
(steps) it made — written in the transaction that retries the job or applies its `done`/`error`."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from storage.tables.columns import JSON_TEXT, TIMESTAMP

__all__ = ["ActionAttemptRow"]


class ActionAttemptRow(SQLModel, table=True):
    __tablename__ = "action_attempts"

    instance_id: str = Field(primary_key=True, max_length=36)
    task_seq: int = Field(primary_key=True)  # the history seq that entered the task
    attempt: int = Field(primary_key=True)
    state: str = Field(max_length=128)
    action: str = Field(max_length=128)
    agent: str | None = Field(default=None, max_length=128)
    outcome: str = Field(max_length=16)  # 'done', 'error' or 'retry'
    error: str | None = Field(default=None, sa_type=JSON_TEXT)
    steps: str | None = Field(default=None, sa_type=JSON_TEXT)
    cost: float | None = None
    at: float = Field(sa_type=TIMESTAMP)
