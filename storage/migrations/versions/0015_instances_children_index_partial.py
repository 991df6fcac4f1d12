"""instances: the children index holds children only, so starting a top-level instance writes one index less

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 11:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHILDREN = sa.text('parent_id IS NOT NULL')


def upgrade() -> None:
    op.drop_index('ix_instances_parent_seq_status', table_name='instances')
    op.create_index('ix_instances_parent_seq_status', 'instances', ['parent_id', 'parent_seq', 'status'],
                    unique=False, sqlite_where=_CHILDREN, postgresql_where=_CHILDREN)


def downgrade() -> None:
    op.drop_index('ix_instances_parent_seq_status', table_name='instances')
    op.create_index('ix_instances_parent_seq_status', 'instances', ['parent_id', 'parent_seq', 'status'],
                    unique=False)
