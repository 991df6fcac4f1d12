"""What earlier runs left in the sandbox integrations, for `statewright run` to explain an example it missed.

An example's expected state assumes a fresh sandbox. Run the lead flow's example twice on one database and the
second run finds the contact the first one created, and ends in `duplicate` — rightly; the user saw only "expects
the state 'qualified', the run reached 'duplicate'". So when an example misses, `run` says whether the sandbox held
rows that earlier runs wrote, and how to start afresh (`statewright sandbox reset`, or a new database).

The engine knows the sandbox tables only by name, as the evaluation's side effects do (`engine.evaluation.
side_effects`): the tables named `sandbox_*`, read by reflection, their rows told apart by their own write times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from engine.evaluation.side_effects import TABLE_PREFIX, WRITE_TIMES

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = ["rows_from_earlier_runs"]


def rows_from_earlier_runs(engine: Engine, before: float) -> dict[str, int]:
    """How many rows of each sandbox table (named without its prefix) were written from the start of the first
    instance in this database until `before` — when this command began, so that the corpus its own handlers
    seeded is not counted (nor that of the first run, seeded before its instance started). Empty when no instance
    ran here before, or the database has no sandbox tables."""
    total = engine.count_instances()
    if not total:
        return {}
    (first,) = engine.list_instances(limit=1, offset=total - 1)  # newest first: the last is the oldest
    found: dict[str, int] = {}
    database = engine.database
    with database.connect() as connection:
        for name in sorted(sa.inspect(connection).get_table_names()):
            if not name.startswith(TABLE_PREFIX):
                continue
            table = sa.Table(name, sa.MetaData(), autoload_with=connection)
            stamps = [table.c[column] for column in WRITE_TIMES if column in table.c]
            if not stamps:
                continue
            written = sa.or_(*(sa.and_(stamp >= first.created_at, stamp < before) for stamp in stamps))
            count = connection.execute(sa.select(sa.func.count()).select_from(table).where(written)).scalar_one()
            if count:
                found[name.removeprefix(TABLE_PREFIX)] = int(count)
    return found
