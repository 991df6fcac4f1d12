"""Cron fires: one row per (workflow, schedule, fire time), so each fire time starts exactly one instance."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from storage.tables.columns import TIMESTAMP

__all__ = ["ScheduleFireRow"]


class ScheduleFireRow(SQLModel, table=True):
    __tablename__ = "schedule_fires"

    workflow_id: str = Field(primary_key=True, max_length=128)
    schedule_id: str = Field(primary_key=True, max_length=128)
    fire_time: float = Field(primary_key=True, sa_type=TIMESTAMP)
    instance_id: str = Field(max_length=36)
    created_at: float = Field(sa_type=TIMESTAMP)
