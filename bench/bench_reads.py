"""Reads at real size: the designer's instance list, KPIs and metric series over SQLite files holding more and
more instances of one tenant, beside raw sqlite3 touching the same rows, in one run; one table.

    .venv/bin/python -m bench.bench_reads [--sizes 10000 100000] [--rounds 3]

Each size gets its own file, filled through `Engine.start` (a one-wait-state flow; every third instance closed
with `send`, so a third have ended), all created within the last day. Then, medians of `--rounds`:

- **list, first page**: `search_instances` — what `GET /api/instances` runs: the newest 25 of the tenant and
  their total. Baseline: raw sqlite3 running those two statements by hand. The page is read in index order
  (its cost does not grow); the total is counted from an index (it grows with the instances, slowly).
- **KPIs, last 24 h** (`collect_kpis`: `GET /api/metrics`, Prometheus' `/metrics`). Baseline: raw sqlite3
  reading the window's instance rows into Python (four columns), the least a report computed in Python from
  every row does before it computes anything. For scale only: the KPIs also join attempts, approvals, costs.
- **series, last 24 h** (`collect_series`, the Metrics page's charts). Baseline: the same buckets and
  duration percentiles computed in Python from every row of the window, read by raw sqlite3. The series is
  counted and ranked by the database instead, so that on PostgreSQL the rows do not cross the network; on
  SQLite the two cost about the same (reading the rows through SQLAlchemy, as the series did before, cost
  twice as much again).

No targets: the table shows how each read grows with the instances (`growth`: its time over the first size's).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from bench.workloads import OPEN_CLOSE_FLOW
from engine.read_models.instances import InstanceQuery, search_instances
from engine.read_models.kpis import KpiScope, collect_kpis
from engine.read_models.metric_series import collect_series, percentile
from engine.runtime.engine import Engine

FLOW = OPEN_CLOSE_FLOW
TENANT = "bench"
DAY_S = 86400.0
BUCKETS = 24
ENDED = ("succeeded", "failed", "cancelled", "stuck")


def fill(path: Path, count: int) -> None:
    with Engine(f"sqlite:///{path}") as engine:
        engine.deploy(FLOW)
        for n in range(count):
            view = engine.start(FLOW["id"], {"n": n, "email": f"user{n}@example.com"}, tenant=TENANT)
            if n % 3 == 0:
                engine.send(view.id, "close")


def _median(rounds: int, measure: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        measure()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def series_in_python(raw: sqlite3.Connection, since: float, until: float) -> object:
    """The series' instance figures from every row of the window, in Python (the baseline)."""
    width = (until - since) / BUCKETS
    buckets = [[0, 0, 0] for _ in range(BUCKETS)]
    durations: dict[str, list[float]] = {}
    rows = raw.execute("SELECT workflow_id, status, created_at, updated_at FROM instances WHERE tenant = ? AND "
                       "branch = '' AND ((created_at >= ? AND created_at < ?) OR (status IN (?, ?, ?, ?) AND "
                       "updated_at >= ? AND updated_at < ?))", (TENANT, since, until, *ENDED, since, until))
    for workflow, status, created, updated in rows:
        over = status in ENDED
        began = int((created - since) // width) if since <= created < until else None
        if began is not None:
            buckets[began][0] += 1
            if over:
                durations.setdefault(workflow, []).append(updated - created)
        if over and since <= updated < until:
            ended = int((updated - since) // width)
            buckets[ended][1] += 1
            buckets[ended][2] += status != "succeeded"
    return buckets, {w: [percentile(v, share) for share in (0.5, 0.9, 0.99)] for w, v in durations.items()}


def measure(path: Path, rounds: int) -> dict[str, float]:
    database = sa.create_engine(f"sqlite:///{path}")
    raw = sqlite3.connect(path)
    until = time.time() + 1
    since = until - DAY_S
    window = ("SELECT workflow_id, status, created_at, updated_at FROM instances WHERE tenant = ? AND branch = '' "
              "AND created_at >= ? AND created_at < ?")
    try:
        return {
            "list": _median(rounds, lambda: search_instances(database, InstanceQuery(tenant=TENANT), limit=25,
                                                             offset=0)),
            "raw_list": _median(rounds, lambda: (
                raw.execute("SELECT COUNT(*) FROM instances WHERE tenant = ? AND branch = ''", (TENANT,)).fetchone(),
                raw.execute("SELECT id, workflow_id, workflow_version, tenant, state, status, parent_id, created_at, "
                            "updated_at FROM instances WHERE tenant = ? AND branch = '' ORDER BY created_at DESC, id "
                            "LIMIT 25", (TENANT,)).fetchall())),
            "kpis": _median(rounds, lambda: collect_kpis(database, KpiScope(tenant=TENANT, since=since,
                                                                              until=until))),
            "series": _median(rounds, lambda: collect_series(database, tenant=TENANT, since=since, until=until,
                                                             buckets=BUCKETS)),
            "python_series": _median(rounds, lambda: series_in_python(raw, since, until)),
            "rows": _median(rounds, lambda: raw.execute(window, (TENANT, since, until)).fetchall()),
        }
    finally:
        raw.close()
        database.dispose()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    began = time.monotonic()
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(dir=args.db_dir, prefix="statewright-bench-reads-") as folder:
        for size in args.sizes:
            path = Path(folder) / f"reads_{size}.db"
            fill(path, size)
            results[size] = measure(path, args.rounds)
    table = Table(title="Reads at real size (SQLite, one tenant, all created in the last 24 h), medians of "
                        f"{args.rounds}")
    for column in ("instances", "read", "Statewright", "baseline (raw sqlite3)", "time ratio", "growth"):
        table.add_column(column)
    first = results[args.sizes[0]]
    for size, got in results.items():
        for name, baseline, label, words in (
                ("list", "raw_list", "list, first page of 25 + total", "the same two statements by hand"),
                ("kpis", "rows", "KPIs, last 24 h", "the window's rows into Python"),
                ("series", "python_series", "series, last 24 h", "the same figures in Python from every row")):
            growth = "—" if size == args.sizes[0] else f"{got[name] / first[name]:.1f}x"
            table.add_row(f"{size:,}", label, _ms(got[name]), f"{words}: {_ms(got[baseline])}",
                          f"{got[name] / got[baseline]:.2f}x", growth)
    console = Console(width=160)
    console.print(table)
    load = os.getloadavg()
    sizes = " ".join(str(size) for size in args.sizes)
    console.print(f"command: python -m bench.bench_reads --sizes {sizes} · "
                  f"{time.monotonic() - began:.0f} s (filling included) · load average {load[0]:.2f} on "
                  f"{os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
