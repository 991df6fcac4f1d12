"""receipts: what each keyed request asked for, so a key reused for another request is refused, not answered

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 14:35:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('receipts') as batch:
        batch.add_column(sa.Column('request', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('receipts') as batch:
        batch.drop_column('request')
