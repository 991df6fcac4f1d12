"""model prices an admin edits, and costs whose model had no price marked as such

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 15:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('model_prices',
    sa.Column('provider', sa.String(length=64), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('prompt_per_million', sa.Float(), nullable=False),
    sa.Column('completion_per_million', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.Float(precision=53), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('provider', 'model')
    )
    with op.batch_alter_table('costs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priced', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('costs', schema=None) as batch_op:
        batch_op.drop_column('priced')
    op.drop_table('model_prices')
