"""workers: each running worker's row, renewed by its heartbeat, with the actions it has handlers for

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 10:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'workers',
        sa.Column('owner', sa.String(length=255), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.Float(precision=53), nullable=False),
        sa.Column('last_seen', sa.Float(precision=53), nullable=False),
        sa.Column('lease_s', sa.Float(), nullable=False),
        sa.Column('actions', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('owner'),
    )


def downgrade() -> None:
    op.drop_table('workers')
