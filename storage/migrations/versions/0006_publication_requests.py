"""publication requests: an analyst asks a publisher to publish a draft

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('publication_requests',
    sa.Column('draft_id', sa.String(length=64), nullable=False),
    sa.Column('workflow_id', sa.String(length=128), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('draft_id')
    )
    with op.batch_alter_table('publication_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_requests_requested_at'), ['requested_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('publication_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_requests_requested_at'))
    op.drop_table('publication_requests')
