"""shared memory in the engine: shared_memory replaces sandbox_memory

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 09:00:00.000000

Written by hand. The sandbox's entries are carried over as cross-workflow ('global') entries of the tenant
'default', a named scope becoming a key prefix ('support_squad' + 'ticket:1' -> 'support_squad:ticket:1'), as
the `memory.*` tools now read them. A downgrade recreates `sandbox_memory` empty.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CARRIED_KEY = "CASE WHEN scope = 'global' THEN key ELSE scope || ':' || key END"


def upgrade() -> None:
    op.create_table('shared_memory',
    sa.Column('tenant', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('expires_at', sa.Float(precision=53), nullable=True),
    sa.Column('updated_at', sa.Float(precision=53), nullable=False),
    sa.PrimaryKeyConstraint('tenant', 'scope', 'key')
    )
    with op.batch_alter_table('shared_memory', schema=None) as batch_op:
        batch_op.create_index('ix_shared_memory_expires_at', ['expires_at'], unique=False)

    op.execute(
        "INSERT INTO shared_memory (tenant, scope, key, value, expires_at, updated_at) "
        f"SELECT 'default', 'global', {_CARRIED_KEY}, COALESCE(CAST(value AS TEXT), 'null'), expires_at, updated_at "
        f"FROM sandbox_memory WHERE length({_CARRIED_KEY}) <= 200"
    )
    op.drop_table('sandbox_memory')


def downgrade() -> None:
    op.create_table('sandbox_memory',
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('expires_at', sa.Float(precision=53), nullable=True),
    sa.Column('updated_at', sa.Float(precision=53), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key')
    )
    with op.batch_alter_table('shared_memory', schema=None) as batch_op:
        batch_op.drop_index('ix_shared_memory_expires_at')

    op.drop_table('shared_memory')
