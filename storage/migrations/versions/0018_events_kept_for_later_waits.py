"""events kept for later waits: an event with a correlation key that reached no wait when it was published is kept
until `kept_until` for a wait that arms with its key afterwards (a webhook that arrives before its instance gets
to the wait), and an index finds it when a wait arms

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 20:30:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('events', sa.Column('kept_until', sa.Float(precision=53), nullable=True))
    op.create_index('ix_events_kept', 'events', ['tenant', 'event_type', 'correlation_key'])


def downgrade() -> None:
    op.drop_index('ix_events_kept', table_name='events')
    with op.batch_alter_table('events') as batch:
        batch.drop_column('kept_until')
