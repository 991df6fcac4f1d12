"""Databases at real size in seconds: rows copied in bulk from one instance the engine started, instead of
hundreds of thousands of `Engine.start` calls (about 1 ms each).

- `copy_instances`: `count` copies of an instance row, one a second apart in `created_at` (ids
  `<prefix>-000001`, …), so a tenant's list holds that many.
- `lengthen_history`: the instance's history grown to `transitions` rows, going back and forth between two
  states, and its `version` set to match (history's `seq` runs 1, 2, … without a gap).

Both write through SQLAlchemy Core in batches, on SQLite and PostgreSQL alike. They bypass the engine: what
they make is what reads are measured and tested on, never something to run on.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

import sqlalchemy as sa

from storage.tables.core import table_of
from storage.tables.history import HistoryRow
from storage.tables.instances import InstanceRow

__all__ = ["copy_instances", "lengthen_history"]

_INSTANCES = table_of(InstanceRow)
_HISTORY = table_of(HistoryRow)
_BATCH = 5_000


def _insert(database: sa.Engine, table: sa.Table, rows: Any) -> None:
    rows = iter(rows)
    with database.begin() as connection:
        while batch := list(islice(rows, _BATCH)):
            connection.execute(table.insert(), batch)


def copy_instances(database: sa.Engine, source_id: str, count: int, *, prefix: str = "bulk",
                   first_created_at: float = 1_700_000_000.0) -> None:
    """`count` copies of instance `source_id`, created one second apart from `first_created_at` on."""
    with database.connect() as connection:
        source = dict(connection.execute(sa.select(_INSTANCES).where(_INSTANCES.c.id == source_id)).one()._mapping)
    _insert(database, _INSTANCES, (
        {**source, "id": f"{prefix}-{n:06d}", "created_at": first_created_at + n, "updated_at": first_created_at + n}
        for n in range(count)))


def lengthen_history(database: sa.Engine, instance_id: str, transitions: int, *, here: str, there: str,
                     event: str = "revise", cost: float = 0.01) -> None:
    """Grow the instance's history to `transitions` rows: after its start (which entered `here`), moves `event`
    from `here` to `there` and back, each costing `cost`; its `version` then counts them all and its `state` is
    where the last one went."""
    with database.connect() as connection:
        last = connection.execute(sa.select(_HISTORY).where(_HISTORY.c.instance_id == instance_id)
                                  .order_by(_HISTORY.c.seq.desc()).limit(1)).one()._mapping
    template = dict(last)

    def row(seq: int) -> dict[str, Any]:
        source, dest = (there, here) if seq % 2 else (here, there)
        return {**template, "seq": seq, "from_state": source, "to_state": dest, "event": event, "actor": "bulk",
                "payload": None, "context_change": None, "at": template["at"] + seq, "cost": cost}

    _insert(database, _HISTORY, (row(seq) for seq in range(template["seq"] + 1, transitions + 1)))
    with database.begin() as connection:
        connection.execute(_INSTANCES.update().where(_INSTANCES.c.id == instance_id).values(
            version=transitions, state=there if transitions % 2 == 0 else here))
