"""Recorded runs of one workflow version, for the path analysis (engine.paths): how long each transition's
source state lasted, what each state's actions cost per visit (the cost records), and the sequence of
transitions each finished run took. Only whole-workflow instances (not parallel branches); the latest
`RUN_LIMIT` finished runs at most."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from engine.paths.recorded import Edge, EdgeStats, RecordedRuns
from engine.read_models._reading import reading
from engine.runtime.snapshot import TERMINAL
from storage.tables.core import table_of
from storage.tables.costs import CostRow
from storage.tables.history import HistoryRow
from storage.tables.instances import InstanceRow

__all__ = ["RUN_LIMIT", "recorded_runs"]

RUN_LIMIT = 5000

_I = table_of(InstanceRow)
_H = table_of(HistoryRow)
_C = table_of(CostRow)
_ENDED = tuple(sorted(TERMINAL))


def recorded_runs(database: sa.Engine, workflow_id: str, version: int, *, tenant: str | None = None,
                  limit: int = RUN_LIMIT) -> RecordedRuns:
    """What the finished runs of (`workflow_id`, `version`) recorded (of one tenant's instances when given)."""
    where = [_I.c.workflow_id == workflow_id, _I.c.workflow_version == version, _I.c.branch == "",
             _I.c.status.in_(_ENDED)]
    if tenant is not None:
        where.append(_I.c.tenant == tenant)
    runs = (sa.select(_I.c.id)
            .where(*where)
            .order_by(_I.c.updated_at.desc()).limit(limit).subquery())
    with reading(database) as connection:
        rows = connection.execute(
            sa.select(_H.c.instance_id, _H.c.from_state, _H.c.event, _H.c.to_state, _H.c.duration_s)
            .where(_H.c.instance_id.in_(sa.select(runs.c.id)), _H.c.from_state.is_not(None))
            .order_by(_H.c.instance_id, _H.c.seq)).all()
        costs = connection.execute(
            sa.select(_C.c.state, sa.func.sum(_C.c.amount).label("amount"))
            .where(_C.c.instance_id.in_(sa.select(runs.c.id)))
            .group_by(_C.c.state)).all()
        count = int(connection.execute(sa.select(sa.func.count()).select_from(runs)).scalar_one())
    return _summarise(count, limit, rows, {str(r.state): float(r.amount or 0.0) for r in costs})


def _summarise(count: int, limit: int, rows: Sequence[sa.Row[Any]],
               cost_totals: dict[str, float]) -> RecordedRuns:
    durations: dict[Edge, list[float]] = defaultdict(list)
    sequences: dict[str, list[Edge]] = defaultdict(list)
    visits: Counter[str] = Counter()
    for instance_id, from_state, event, to_state, duration_s in rows:  # the select's columns, in its order
        edge = (str(from_state), str(event), str(to_state))
        durations[edge].append(float(duration_s))
        sequences[str(instance_id)].append(edge)
        visits[str(from_state)] += 1
    return RecordedRuns(
        runs=count,
        edges={edge: EdgeStats(len(found), sum(found) / len(found)) for edge, found in durations.items()},
        state_costs={state: total / visits[state] for state, total in cost_totals.items() if visits[state]},
        sequences=Counter(tuple(sequence) for sequence in sequences.values()),
        limited_to=limit if count >= limit else None,
    )
