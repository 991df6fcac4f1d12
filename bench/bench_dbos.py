"""DBOS Transact beside Statewright: a durable workflow of 8 steps against Statewright's chain of 8 tasks, each
step or task returning its input + 1, one workflow at a time and 32 at once, on SQLite and on PostgreSQL —
both measured in the same run, interleaved round by round, medians reported, in one table.

    .venv/bin/python -m bench.bench_dbos [--quick] [--rounds N] [--no-postgres] [--postgres-url URL]

- DBOS (`bench.dbos_peer`): `@DBOS.workflow` calling 8 `@DBOS.step`s, on DBOS's system database as DBOS sets
  it up (SQLite: a temporary file; PostgreSQL: a fresh schema of the database). One at a time: called in this
  thread, one after the other. 32 at once: 32 threads, each calling the workflow.
- Statewright (`bench.workloads.increment_rate`): `INCREMENT_FLOW`, 8 task states in a row, each action
  returning x + 1 into the context, on a temporary SQLite file or a fresh schema. Inline: the action registered
  inline, so each start runs the whole chain in its own transaction (eager inline tasks, docs/runtime.md) and
  returns the instance ended. Queued: the same action run as a job, so the in-process worker (batch 32, one
  transaction per batch of outcomes) runs what each wave started. One at a time: start one instance, then run
  the worker until idle — unless the start answered with the instance ended, as an inline chain's start does (a
  caller has nothing left to wait for, as DBOS's caller once its workflow returns). 32 at once: start 32, then the
  worker (unless all 32 ended), then the next 32; on PostgreSQL the 32 come from 32 threads, whose starts the
  engine writes together, chains and all (`engine.runtime.combined_starts`).
- Each side's clock runs from the first start to the last workflow's end; each checks every result (x + 8)
  and DBOS's recorded steps (8 per workflow). Target: Statewright ≥ 20x DBOS's workflows per second.
- On PostgreSQL, beside them, raw psycopg's durable commits per second on one connection (an UPDATE and an
  INSERT each, as a transition writes), interleaved with the rest: one at a time, a workflow costs Statewright
  one durable commit (its start, which runs the chain of inline tasks to its end), so that rate is its ceiling
  there, printed as a multiple of DBOS's rate — what the disk allows the ratio to reach, whatever the engine does
  (a generous ceiling: the start's one commit carries more statements than raw psycopg's UPDATE and INSERT).

The machine is shared and its load moves: compare figures of one run only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from bench.bench_engine import DEFAULT_POSTGRES_URL, _interleaved, _load, _postgres_schema
from bench.dbos_peer import dbos_launched, dbos_rate
from bench.raw_baselines import raw_psycopg_transitions
from bench.workloads import CHAIN_STEPS, increment_rate
from engine.runtime.engine import Engine

TARGET = 20.0
CONCURRENT = 32
DURABLE_COMMITS = 1  # one workflow, one at a time: its start, which runs the chain of inline tasks to its end


@dataclass(frozen=True)
class Sizes:
    rounds: int
    dbos_one: int
    dbos_many: int
    statewright_one: int
    statewright_many: int
    raw_commits: int


FULL = Sizes(rounds=3, dbos_one=16, dbos_many=64, statewright_one=100, statewright_many=320, raw_commits=500)
QUICK = Sizes(rounds=1, dbos_one=4, dbos_many=CONCURRENT, statewright_one=16, statewright_many=2 * CONCURRENT,
              raw_commits=100)


@dataclass(frozen=True)
class Row:
    backend: str
    mode: str
    dbos: float | None
    statewright: float | None
    queued: float | None = None
    note: str = ""
    commits: float | None = None  # raw psycopg's durable commits per second (PostgreSQL, one at a time)
    cpu_ms: float | None = None  # Statewright's CPU per workflow in this process (one at a time, inline)

    def cells(self) -> tuple[str, ...]:
        if self.dbos is None or self.statewright is None or self.queued is None:
            return (self.backend, self.mode, "not measured", "not measured", "not measured", "—",
                    f"≥ {TARGET:.0f}x", self.note)
        ratio = self.statewright / self.dbos
        return (self.backend, self.mode, _rate(self.dbos), _rate(self.statewright),
                f"{_rate(self.queued)}, {self.queued / self.dbos:.1f}x", f"{ratio:.1f}x", f"≥ {TARGET:.0f}x",
                "met" if ratio >= TARGET else "MISSED")


def _rate(workflows: float) -> str:
    return f"{workflows:,.1f} wf/s ({workflows * CHAIN_STEPS:,.0f} steps/s)"


def _timed_cpu(into: list[float], count: int, measure: Callable[[], float]) -> float:
    """`measure()`, with this process's CPU milliseconds per workflow appended to `into`."""
    began = time.process_time()
    rate = measure()
    into.append((time.process_time() - began) * 1000 / count)
    return rate


def _rows(backend: str, dbos_url: str, dbos_schema: str | None, statewright_url: str, sizes: Sizes,
          raw_commits: Callable[[], float] | None = None) -> list[Row]:
    # 32 concurrent: on PostgreSQL each wave is started from 32 threads, as DBOS's 32 workflows are called from
    # 32 threads (the server flushes their commits together); SQLite takes one writer at a time, so one thread
    threads = CONCURRENT if backend == "PostgreSQL" else 1
    with dbos_launched(dbos_url, schema=dbos_schema), Engine(statewright_url) as engine:
        raw = {} if raw_commits is None else {"raw_commits": raw_commits}
        cpu: list[float] = []
        got = _interleaved(sizes.rounds, {**raw,
            "dbos_one": partial(dbos_rate, dbos_url, sizes.dbos_one, schema=dbos_schema),
            "statewright_one": partial(_timed_cpu, cpu, sizes.statewright_one,
                                       partial(increment_rate, engine, sizes.statewright_one, inline=True)),
            "queued_one": partial(increment_rate, engine, sizes.statewright_one),
            "dbos_many": partial(dbos_rate, dbos_url, sizes.dbos_many, concurrent=CONCURRENT, schema=dbos_schema),
            "statewright_many": partial(increment_rate, engine, sizes.statewright_many, concurrent=CONCURRENT,
                                        inline=True, start_threads=threads),
            "queued_many": partial(increment_rate, engine, sizes.statewright_many, concurrent=CONCURRENT,
                                   start_threads=threads),
        })
    return [Row(backend, "one at a time", got["dbos_one"], got["statewright_one"], got["queued_one"],
                commits=got.get("raw_commits"), cpu_ms=statistics.median(cpu)),
            Row(backend, f"{CONCURRENT} concurrent", got["dbos_many"], got["statewright_many"], got["queued_many"])]


def sqlite_rows(directory: Path, sizes: Sizes) -> list[Row]:
    return _rows("SQLite", f"sqlite:///{directory / 'dbos.db'}", None, f"sqlite:///{directory / 'statewright.db'}",
                 sizes)


def postgres_rows(base_url: str, sizes: Sizes) -> list[Row]:
    try:
        with sa.create_engine(base_url, poolclass=sa.pool.NullPool).connect():
            pass
    except sa.exc.OperationalError as exc:
        reason = f"not reachable at {base_url}: {str(exc).splitlines()[0]}"
        modes = ("one at a time", f"{CONCURRENT} concurrent")
        return [Row("PostgreSQL", mode, None, None, None, reason) for mode in modes]
    dbos_url = sa.make_url(base_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with _postgres_schema(base_url) as (statewright_url, conninfo, schema), \
            _postgres_schema(base_url) as (_, _, dbos_schema):
        raw = partial(raw_psycopg_transitions, conninfo, sizes.raw_commits, search_path=schema)
        return _rows("PostgreSQL", dbos_url, dbos_schema, statewright_url, sizes, raw)


def _print(rows: list[Row], sizes: Sizes, command: str, began: float, loads: tuple[str, str]) -> None:
    table = Table(title=f"DBOS Transact beside Statewright — a workflow of {CHAIN_STEPS} steps, same run, medians "
                        f"of {sizes.rounds} round(s)")
    for column in ("backend", "mode", "DBOS", "Statewright (action inline)", "Statewright (action queued), ratio",
                   "ratio", "target", ""):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row.cells())
    console = Console(width=200)
    console.print(table)
    postgres = any(row.backend == "PostgreSQL" and row.dbos is not None for row in rows)
    threads = f" (on PostgreSQL started from {CONCURRENT} threads)" if postgres else ""
    console.print(f"DBOS: {sizes.dbos_one} workflows one at a time in this thread; {sizes.dbos_many} from "
                  f"{CONCURRENT} threads.  Statewright: {sizes.statewright_one} instances one at a time, each run to "
                  f"its end (inline: by its start; queued: by the in-process worker); {sizes.statewright_many} in "
                  f"waves of {CONCURRENT}{threads}, the in-process worker (batch {CONCURRENT}) running what is left "
                  "of each wave. The ratio and its target "
                  "are for the action registered inline (each start runs its chain in its own transaction, as DBOS "
                  "runs a workflow's steps in the caller); queued: the same action run as a job by the worker.")
    for row in rows:
        if row.cpu_ms is not None and row.statewright:
            console.print(f"{row.backend}, {row.mode}: Statewright's CPU in this process {row.cpu_ms:.2f} ms a "
                          f"workflow, of the {1000 / row.statewright:.2f} ms each took.")
        if row.commits is not None and row.dbos:
            ceiling = row.commits / DURABLE_COMMITS
            console.print(f"{row.backend}, {row.mode}: raw psycopg makes {row.commits:,.0f} durable commits a second "
                          f"on one connection (UPDATE + INSERT each, same run); at {DURABLE_COMMITS} a workflow "
                          f"Statewright's ceiling is {ceiling:,.0f} wf/s = {ceiling / row.dbos:.1f}x DBOS's "
                          f"{row.dbos:,.1f} wf/s — the most the disk lets the ratio reach; measured "
                          f"{(row.statewright or 0) / ceiling:.0%} of that ceiling.")
    console.print(f"command: {command}   ·   {time.monotonic() - began:.0f} s   ·   {os.cpu_count()} CPUs   ·   "
                  f"load average at start {loads[0]}, at end {loads[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of the smallest workloads (a smoke run)")
    parser.add_argument("--rounds", type=int, help="rounds of each measure (medians are reported)")
    parser.add_argument("--no-postgres", action="store_true", help="leave PostgreSQL out")
    parser.add_argument("--postgres-url", default=os.environ.get("STATEWRIGHT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    if args.rounds:
        sizes = Sizes(**{**sizes.__dict__, "rounds": args.rounds})
    began, load_at_start = time.monotonic(), _load()
    with tempfile.TemporaryDirectory(prefix="statewright-bench-dbos-") as directory:
        rows = sqlite_rows(Path(directory), sizes)
    if not args.no_postgres:
        rows += postgres_rows(args.postgres_url, sizes)
    _print(rows, sizes, "python -m bench.bench_dbos " + " ".join(sys.argv[1:]), began, (load_at_start, _load()))


if __name__ == "__main__":
    main()
