"""approvals: the instance's index runs on to tenant and creation order, so an instance's inbox page takes it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 16:20:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_approvals_instance_status_tenant_created', 'approvals',
                    ['instance_id', 'status', 'tenant', 'created_at', 'id'], unique=False)
    op.drop_index('ix_approvals_instance_status', table_name='approvals')


def downgrade() -> None:
    op.create_index('ix_approvals_instance_status', 'approvals', ['instance_id', 'status'], unique=False)
    op.drop_index('ix_approvals_instance_status_tenant_created', table_name='approvals')
