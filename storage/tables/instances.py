"""Instances: where each run is now. `version` counts its transitions (the history rows).

The lists and the metrics read a tenant's instances newest first, or in a time window, often of one status, and
count them: the two tenant indexes end in `created_at, branch` so that such a page is read in index order and
such a count is answered from the index alone (at 300,000 instances the first page of the list took 0.3 s with
an index of `tenant, status` only; 1 ms with these). A parent's children are found by `parent_id, parent_seq,
status`: a map's item end reads the visit's latest `parent_seq` and its children not succeeded by seeks, not by
stepping over every item (which made a map of n items read O(n²) rows). That index holds children only (`parent_id
IS NOT NULL`, which every query on it implies): a top-level instance, most of them, has no entry to write."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables.columns import JSON_TEXT, TIMESTAMP

__all__ = ["InstanceRow"]


class InstanceRow(SQLModel, table=True):
    __tablename__ = "instances"
    __table_args__ = (
        sa.Index("ix_instances_tenant_status_created", "tenant", "status", "created_at", "branch"),
        sa.Index("ix_instances_tenant_created", "tenant", "created_at", "branch"),
        sa.Index("ix_instances_workflow_status", "workflow_id", "status"),
        sa.Index("ix_instances_created_at", "created_at"),
        sa.Index("ix_instances_parent_seq_status", "parent_id", "parent_seq", "status",
                 sqlite_where=sa.text("parent_id IS NOT NULL"), postgresql_where=sa.text("parent_id IS NOT NULL")),
    )

    id: str = Field(primary_key=True, max_length=36)
    workflow_id: str = Field(max_length=128)
    workflow_version: int
    branch: str = Field(default="", max_length=512)  # the parallel branch it runs, '' for a whole workflow
    tenant: str = Field(max_length=64)
    state: str = Field(max_length=128)
    status: str = Field(max_length=16)
    context: str = Field(sa_type=JSON_TEXT)
    result: str | None = Field(default=None, sa_type=JSON_TEXT)
    error: str | None = Field(default=None, sa_type=JSON_TEXT)
    version: int
    parent_id: str | None = Field(default=None, max_length=36)
    parent_seq: int | None = None
    created_at: float = Field(sa_type=TIMESTAMP)
    updated_at: float = Field(sa_type=TIMESTAMP)
