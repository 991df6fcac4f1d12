"""attempt_spend: what a running attempt has spent so far, so a worker killed mid-attempt loses none of it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 22:20:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'attempt_spend',
        sa.Column('job_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Float(), nullable=False),
        sa.Column('tokens', sa.Integer(), nullable=False),
        sa.Column('model', sa.String(length=200), nullable=True),
        sa.Column('priced', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.Float(precision=53), nullable=False),
        sa.PrimaryKeyConstraint('job_id', 'attempt'),
    )


def downgrade() -> None:
    op.drop_table('attempt_spend')
