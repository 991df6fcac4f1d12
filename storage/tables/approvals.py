"""Approval requests, who may decide them, and the decisions taken (one per actor)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables.columns import BIG_ID, JSON_TEXT, TIMESTAMP

__all__ = ["ApprovalAssigneeRow", "ApprovalDecisionRow", "ApprovalRow"]


class ApprovalRow(SQLModel, table=True):
    __tablename__ = "approvals"
    __table_args__ = (
        # an inbox page (a tenant's pending requests, oldest first) is read in index order, not sorted: 100,000
        # pending took 350 ms a page with (tenant, status) alone
        sa.Index("ix_approvals_tenant_status_created", "tenant", "status", "created_at", "id"),
        # the engine's reads of an instance's pending request seek (instance_id, status); an inbox page of one
        # instance (`?instance=`) seeks on to the tenant and is read in order. With (instance_id, status) alone,
        # SQLite (no ANALYZE statistics) took the tenant's index above for that page: 40 ms a page at 100,000
        # pending, stepping over every pending request of the tenant
        sa.Index("ix_approvals_instance_status_tenant_created", "instance_id", "status", "tenant", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    instance_id: str = Field(max_length=36)
    seq: int
    tenant: str = Field(max_length=64)
    workflow_id: str = Field(max_length=128)
    state: str = Field(max_length=128)
    kind: str = Field(max_length=16)  # 'state' (an approval state) or 'policy' (a policy's gate)
    policy_id: str | None = Field(default=None, max_length=128)
    quorum: int = 1
    request: str = Field(sa_type=JSON_TEXT)
    status: str = Field(max_length=16)
    due_at: float | None = Field(default=None, sa_type=TIMESTAMP)
    created_at: float = Field(sa_type=TIMESTAMP)
    decided_at: float | None = Field(default=None, sa_type=TIMESTAMP)


class ApprovalAssigneeRow(SQLModel, table=True):
    __tablename__ = "approval_assignees"
    __table_args__ = (sa.Index("ix_approval_assignees_name", "kind", "name"),)

    approval_id: int = Field(primary_key=True, sa_type=BIG_ID)
    kind: str = Field(primary_key=True, max_length=8)  # 'user' or 'role'
    name: str = Field(primary_key=True, max_length=200)


class ApprovalDecisionRow(SQLModel, table=True):
    __tablename__ = "approval_decisions"

    approval_id: int = Field(primary_key=True, sa_type=BIG_ID)
    actor: str = Field(primary_key=True, max_length=200)
    decision: str = Field(max_length=16)  # 'approve' or 'reject'
    comment: str | None = Field(default=None, sa_type=JSON_TEXT)
    at: float = Field(sa_type=TIMESTAMP)
