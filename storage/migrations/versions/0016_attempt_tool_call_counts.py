"""attempt tool-call counts: each action attempt keeps how many tool calls its steps hold and how many failed,
and an index holds all the KPIs read of an attempt

The KPIs read these two numbers instead of reading and parsing every attempt's steps on every metrics request
(a cost that grew with the size of the stored tool calls: seconds for a few hundred MiB of them). Existing rows
are counted here, once, by the rule the writer uses (`storage.attempts.count_tool_calls`, copied so that this
migration keeps meaning what it meant when it was written).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 14:20:00.000000
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 100


def _counts(text: str) -> tuple[int, int]:
    """(tool calls, failed tool calls) of an attempt's steps JSON: each JSON object a call; one that has an
    error failed, unless the error is of kind `not_found` (a lookup that found nothing answered the question)."""
    found: Any = json.loads(text)
    calls = [step for step in found if isinstance(step, dict)] if isinstance(found, list) else []
    failed = 0
    for step in calls:
        error = step.get('error')
        failed += not (error is None or (isinstance(error, dict) and error.get('kind') == 'not_found'))
    return len(calls), failed


def _backfill(connection: sa.Connection) -> None:
    """Count the steps of the attempts that have some, a batch at a time in key order (never all of the steps
    in memory at once)."""
    attempts = sa.table('action_attempts', sa.column('instance_id'), sa.column('task_seq'),
                        sa.column('attempt'), sa.column('steps'), sa.column('tool_calls'),
                        sa.column('failed_tool_calls'))
    key = (attempts.c.instance_id, attempts.c.task_seq, attempts.c.attempt)
    update = attempts.update().where(
        attempts.c.instance_id == sa.bindparam('i'), attempts.c.task_seq == sa.bindparam('s'),
        attempts.c.attempt == sa.bindparam('a'),
    ).values(tool_calls=sa.bindparam('calls'), failed_tool_calls=sa.bindparam('failed'))
    after: tuple[Any, ...] | None = None
    while True:
        batch = sa.select(*key, attempts.c.steps).where(attempts.c.steps.is_not(None)).order_by(*key).limit(_BATCH)
        if after is not None:
            batch = batch.where(sa.tuple_(*key) > sa.tuple_(*(sa.literal(v) for v in after)))
        rows = connection.execute(batch).all()
        if not rows:
            return
        counted = [{'i': i, 's': s, 'a': a, 'calls': calls, 'failed': failed}
                   for i, s, a, steps in rows for calls, failed in [_counts(steps)] if calls]
        if counted:
            connection.execute(update, counted)
        after = tuple(rows[-1][:3])


def upgrade() -> None:
    op.add_column('action_attempts', sa.Column('tool_calls', sa.Integer(), server_default='0', nullable=False))
    op.add_column('action_attempts',
                  sa.Column('failed_tool_calls', sa.Integer(), server_default='0', nullable=False))
    _backfill(op.get_bind())
    # all the KPIs read of an attempt, so that SQLite does not walk the pages of its steps to reach `at`
    op.create_index('ix_action_attempts_kpis', 'action_attempts',
                    ['instance_id', 'task_seq', 'attempt', 'outcome', 'tool_calls', 'failed_tool_calls', 'at'])


def downgrade() -> None:
    op.drop_index('ix_action_attempts_kpis', table_name='action_attempts')
    with op.batch_alter_table('action_attempts') as batch:
        batch.drop_column('failed_tool_calls')
        batch.drop_column('tool_calls')
