"""map_lists: the list each visit of a map state maps over, kept as it enters the state

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 16:40:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'map_lists',
        sa.Column('instance_id', sa.String(length=36), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('items', sa.Text(), nullable=False),
        sa.Column('reuses', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.Float(precision=53), nullable=False),
        sa.PrimaryKeyConstraint('instance_id', 'seq'),
    )


def downgrade() -> None:
    op.drop_table('map_lists')
