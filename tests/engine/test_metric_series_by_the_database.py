"""The Metrics page's instance series — buckets of started, ended and failed instances, and the nearest-rank
duration percentiles per workflow — as the database counts and ranks them, equal on SQLite and PostgreSQL to
the same figures computed in Python from every row (the reference below), for a window that instances start
before, end after, or are still running at."""

from __future__ import annotations

import random
from typing import Any

import sqlalchemy as sa

from engine import Engine, ManualClock
from engine.read_models.metric_series import collect_series, percentile

FLOW: dict[str, Any] = {
    "id": "job",
    "title": "Job",
    "initial": "open",
    "states": {
        "open": {"type": "wait", "duration": "P30D"},
        "finished": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "open", "trigger": "finish", "dest": "finished"},
        {"source": "open", "trigger": "fail", "dest": "failed"},
        {"source": "open", "trigger": "done", "dest": "failed"},
    ],
}
ENDED = {"succeeded", "failed", "cancelled", "stuck"}


def _reference(rows: list[tuple[str, str, float, float]], since: float, until: float,
               count: int) -> tuple[list[tuple[int, int, int]], dict[str, tuple[Any, ...]]]:
    width = (until - since) / count
    buckets = [[0, 0, 0] for _ in range(count)]
    durations: dict[str, list[float]] = {}

    def slot(at: float) -> int | None:
        index = int((at - since) // width)
        return index if 0 <= index < count else None

    for workflow, status, created, updated in rows:
        over = status in ENDED
        began = slot(created) if since <= created < until else None
        ended = slot(updated) if over and since <= updated < until else None
        if began is not None:
            buckets[began][0] += 1
            if over:
                durations.setdefault(workflow, []).append(updated - created)
        if ended is not None:
            buckets[ended][1] += 1
            buckets[ended][2] += status != "succeeded"
    spreads = {w: (len(v), percentile(v, 0.5), percentile(v, 0.9), percentile(v, 0.99), max(v))
               for w, v in durations.items()}
    return [tuple(b) for b in buckets], spreads  # type: ignore[misc]


def test_buckets_and_percentiles_match_the_reference(database_url: str) -> None:
    clock = ManualClock()
    pick = random.Random(7)
    with Engine(database_url, clock=clock) as engine:
        engine.deploy(FLOW)
        engine.deploy({**FLOW, "id": "other_job", "title": "Other job"})
        since = clock.now() + 100
        open_ones: list[str] = []
        for n in range(90):
            clock.advance(pick.choice([3, 7, 11, 13.5]))
            workflow = "job" if n % 3 else "other_job"
            open_ones.append(engine.start(workflow, {"n": n}, tenant="acme").id)
            if n % 4 == 0 and open_ones:
                engine.send(open_ones.pop(pick.randrange(len(open_ones))), pick.choice(["finish", "fail"]))
        while len(open_ones) > 12:  # the rest end later; a dozen still running
            clock.advance(pick.choice([1, 5, 17]))
            engine.send(open_ones.pop(pick.randrange(len(open_ones))), pick.choice(["finish", "finish", "fail"]))
        until = clock.now() - 50  # some end after the window
        database = sa.create_engine(database_url)
        try:
            with database.connect() as connection:
                rows = [(str(w), str(s), float(c), float(u)) for w, s, c, u in connection.exec_driver_sql(
                    "SELECT workflow_id, status, created_at, updated_at FROM instances WHERE tenant = 'acme'")]
            series = collect_series(database, tenant="acme", since=since, until=until, buckets=7)
        finally:
            database.dispose()

    buckets, spreads = _reference(rows, since, until, 7)
    assert [(b.started, b.ended, b.failed) for b in series.buckets] == buckets
    assert sum(b.started for b in series.buckets) > 50  # the window holds most of them
    assert {s.workflow_id: (s.count, s.p50, s.p90, s.p99, s.max) for s in series.durations} == spreads
    assert sorted(spreads) == ["job", "other_job"]
