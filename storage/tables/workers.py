"""Workers: one row per running worker (its lease owner name), kept fresh by its heartbeat, naming the actions it
has handlers for."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from storage.tables.columns import JSON_TEXT, TIMESTAMP

__all__ = ["WorkerRow"]


class WorkerRow(SQLModel, table=True):
    __tablename__ = "workers"

    owner: str = Field(primary_key=True, max_length=255)  # the lease owner name its jobs are claimed under
    host: str = Field(max_length=255)
    pid: int
    started_at: float = Field(sa_type=TIMESTAMP)
    last_seen: float = Field(sa_type=TIMESTAMP)  # its latest heartbeat
    lease_s: float  # how long after `last_seen` it still counts as running: the lease its heartbeat keeps
    actions: str = Field(sa_type=JSON_TEXT)  # the sorted names of the actions it has handlers for
