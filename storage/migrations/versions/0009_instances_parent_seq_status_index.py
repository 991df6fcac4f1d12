"""instances: the children index covers parent_seq and status, so a map's item end seeks instead of scanning

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 13:30:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_instances_parent_seq_status', 'instances', ['parent_id', 'parent_seq', 'status'],
                    unique=False)
    op.drop_index('ix_instances_parent_id', table_name='instances')


def downgrade() -> None:
    op.create_index('ix_instances_parent_id', 'instances', ['parent_id'], unique=False)
    op.drop_index('ix_instances_parent_seq_status', table_name='instances')
