"""approvals: the tenant's index runs on in creation order, so an inbox page is read in order, not sorted

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 14:15:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_approvals_tenant_status_created', 'approvals', ['tenant', 'status', 'created_at', 'id'],
                    unique=False)
    op.drop_index('ix_approvals_tenant_status', table_name='approvals')


def downgrade() -> None:
    op.create_index('ix_approvals_tenant_status', 'approvals', ['tenant', 'status'], unique=False)
    op.drop_index('ix_approvals_tenant_status_created', table_name='approvals')
