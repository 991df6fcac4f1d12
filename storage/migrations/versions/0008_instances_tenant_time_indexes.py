"""instances: tenant indexes that end in created_at and branch, for lists newest first and counts at scale

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 07:30:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_instances_tenant_status', table_name='instances')
    op.create_index('ix_instances_tenant_status_created', 'instances',
                    ['tenant', 'status', 'created_at', 'branch'], unique=False)
    op.create_index('ix_instances_tenant_created', 'instances', ['tenant', 'created_at', 'branch'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_instances_tenant_created', table_name='instances')
    op.drop_index('ix_instances_tenant_status_created', table_name='instances')
    op.create_index('ix_instances_tenant_status', 'instances', ['tenant', 'status'], unique=False)
