"""Action attempts: one row per attempt of a task's action — its outcome, error, cost, the tool calls (steps)
it made and how many of them there were and failed — written in the transaction that retries the job or applies
its `done`/`error`."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables.columns import JSON_TEXT, TIMESTAMP

__all__ = ["ActionAttemptRow"]


class ActionAttemptRow(SQLModel, table=True):
    __tablename__ = "action_attempts"
    __table_args__ = (  # all the KPIs read of an attempt: on SQLite, reading its row would also walk the pages of
        # its steps (they sit before `at`), a cost that grew with the size of the stored tool calls
        sa.Index("ix_action_attempts_kpis", "instance_id", "task_seq", "attempt", "outcome", "tool_calls",
                 "failed_tool_calls", "at"),
    )

    instance_id: str = Field(primary_key=True, max_length=36)
    task_seq: int = Field(primary_key=True)  # the history seq that entered the task
    attempt: int = Field(primary_key=True)
    state: str = Field(max_length=128)
    action: str = Field(max_length=128)
    agent: str | None = Field(default=None, max_length=128)
    outcome: str = Field(max_length=16)  # 'done', 'error' or 'retry'
    error: str | None = Field(default=None, sa_type=JSON_TEXT)
    steps: str | None = Field(default=None, sa_type=JSON_TEXT)
    # what the KPIs read of the steps, counted when the row is written (storage.attempts.count_tool_calls)
    tool_calls: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    failed_tool_calls: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    cost: float | None = None
    at: float = Field(sa_type=TIMESTAMP)
