"""Engine benchmark: persisted transitions per second on SQLite and PostgreSQL, end-to-end lead qualifications,
and memory against stored instances — each engine figure beside its baseline measured in the same run, the
two interleaved round by round, medians reported, in one table.

    .venv/bin/python -m bench.bench_engine [--quick] [--rounds N] [--no-postgres] [--postgres-url URL]

- SQLite: `send` to one instance at a time, and one worker taking many chains of tasks to their end with
  group commit, each beside raw `sqlite3` doing the same writes by hand on the engine's own tables (WAL,
  synchronous=NORMAL), one transaction per transition — for group commit, the ceiling it must pass — and
  32 per transaction; `send` also beside the two writes any transition needs (UPDATE instance + INSERT
  history, the brief's anchor); and the same `send` beside LangGraph's SqliteSaver checkpointing the same
  flip, one graph step and one checkpoint per transition (`bench.langgraph_baseline`). Without langgraph
  installed (it is in requirements/dev.in) that row shows the brief's anchor, ~990/s, not measured. Then
  `AsyncEngine.send` from 16 tasks of one event loop (its one-transaction commands run on the loop's thread
  while SQLite's writer is free) beside that `send` from one thread.
- PostgreSQL: 1 and 4 worker processes (`statewright worker`, batch 32) beside raw psycopg over
  1 and 4 connections (one process each), one transaction per transition, each with the share of the CPUs
  that was busy; and 1 and 4 workers running actions that wait rather than compute.
- The shipped lead-qualification flow end to end, with the offline handlers of `agents.handlers`,
  beside the same flow with handlers that answer at once; those, registered inline, beside the same handlers
  run as queued jobs, and judged against the brief's 1,000 leads/s scaled by raw sqlite3's two writes measured in
  the same run (the anchor machine did 19,600/s; absolute rates differ ~3.5x between machines of this kind).
- The engine process's resident memory after serving the same requests with 0, 10,000 and 100,000 instances
  stored (each in a fresh process).

The machine is shared and its load moves: compare figures of one run only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from bench.memory_probe import store_instances

try:
    from bench.langgraph_baseline import langgraph_sqlite_transitions
except ImportError:  # langgraph is a dev/bench requirement only
    langgraph_sqlite_transitions = None  # type: ignore[assignment]
from bench.raw_baselines import raw_psycopg_transitions, raw_sqlite_task_transitions, raw_sqlite_transitions
from bench.worker_fleet import WorkerFleet, chains_through_workers, leads_through_workers
from bench.workloads import (
    CHAIN_STEPS,
    IO_CHAIN_FLOW,
    IO_WAIT_S,
    async_send_rate,
    group_commit_rate,
    lead_rate,
    send_rate,
)
from engine.runtime.engine import Engine
from storage.database import create_database_engine
from storage.schema import upgrade

ROOT = Path(__file__).resolve().parents[1]
LANGGRAPH_ANCHOR = 990.0
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Sizes:
    rounds: int
    postgres_rounds: int
    sends: int
    raw_sqlite: int
    chains: int
    postgres_chains: int
    io_chains: int
    raw_postgres: int
    leads: int
    postgres_leads: int
    memory: tuple[int, ...]
    memory_rounds: int


FULL = Sizes(rounds=5, postgres_rounds=3, sends=3000, raw_sqlite=6000, chains=256, postgres_chains=600, io_chains=96,
             raw_postgres=2000, leads=300, postgres_leads=300, memory=(0, 10_000, 100_000), memory_rounds=3)
QUICK = Sizes(rounds=3, postgres_rounds=1, sends=1000, raw_sqlite=2000, chains=96, postgres_chains=200, io_chains=64,
              raw_postgres=600, leads=100, postgres_leads=100, memory=(0, 10_000, 100_000), memory_rounds=1)


@dataclass(frozen=True)
class Row:
    measure: str
    engine: str
    baseline: str
    ratio: str
    target: str
    verdict: str


def _interleaved(rounds: int, measures: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Run every measure once per round, in turn, and keep each one's median."""
    seen: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(rounds):
        for name, measure in measures.items():
            seen[name].append(measure())
    return {name: statistics.median(values) for name, values in seen.items()}


def _rate(value: float, unit: str = "/s") -> str:
    return f"{value:,.0f}{unit}"


def _row(measure: str, engine: float, baseline: float, baseline_text: str, target: float | None = None,
         target_text: str = "—", *, times: bool = False, engine_text: str | None = None) -> Row:
    """A table row: the engine's figure beside its baseline, their ratio, and whether the target is met."""
    ratio = engine / baseline
    verdict = "—" if target is None else ("met" if ratio >= target else "MISSED")
    return Row(measure, engine_text or _rate(engine), baseline_text, f"{ratio:.1f}x" if times else f"{ratio:.0%}",
               target_text, verdict)


def _template(directory: Path) -> Path:
    """A migrated, empty SQLite file to copy for each database the benchmark needs."""
    path = directory / "template.db"
    database = create_database_engine(f"sqlite:///{path}")
    upgrade(database)
    database.dispose()
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _copy(template: Path, name: str) -> Path:
    target = template.with_name(name)
    shutil.copyfile(template, target)
    return target


# --- SQLite ---------------------------------------------------------------------------------------------
def sqlite_rows(template: Path, sizes: Sizes) -> list[Row]:
    raw = _copy(template, "raw.db")
    checkpoints = template.with_name("langgraph.db")
    with Engine(f"sqlite:///{_copy(template, 'engine.db')}") as engine:
        measures: dict[str, Callable[[], float]] = {
            "send": lambda: send_rate(engine, sizes.sends),
            "async_send": lambda: async_send_rate(f"sqlite:///{_copy(template, 'async.db')}", sizes.sends),
            "statements": lambda: raw_sqlite_transitions(str(raw), sizes.raw_sqlite, as_engine_sends=True),
            "raw": lambda: raw_sqlite_transitions(str(raw), sizes.raw_sqlite),
            "group": lambda: group_commit_rate(engine, sizes.chains, batch=32),
            "tasks": lambda: raw_sqlite_task_transitions(str(raw), sizes.chains, CHAIN_STEPS),
            "tasks32": lambda: raw_sqlite_task_transitions(str(raw), sizes.chains, CHAIN_STEPS, per_commit=32),
        }
        if langgraph_sqlite_transitions is not None:
            measures["langgraph"] = partial(langgraph_sqlite_transitions, str(checkpoints), sizes.sends)
        got = _interleaved(sizes.rounds, measures)
    chains = f"{sizes.chains} instances x {CHAIN_STEPS} tasks"
    return [
        _row("SQLite · send, one instance at a time (1 transaction each)", got["send"], got["statements"],
             "raw sqlite3, the same writes by hand — SELECT the instance, move its event wait on, UPDATE it "
             "(not its context, which the send left as it was), INSERT history — 1 transaction each: "
             f"{_rate(got['statements'])}", 0.5, "≥ 50%"),
        _row("  the same, beside the two writes any transition needs", got["send"], got["raw"],
             f"raw sqlite3, UPDATE instance + INSERT history only, 1 transaction each: {_rate(got['raw'])}"),
        _row(f"SQLite · 1 worker, {chains}, batch 32 (group commit)", got["group"], got["tasks"],
             "raw sqlite3, the worker's writes for each task by hand — claim the job, read the instance, finish "
             "the job, record the attempt, UPDATE the instance, INSERT history, queue the next job — 1 transaction "
             f"per transition (the ceiling): {_rate(got['tasks'])}", 1.0, "> 100% (passes the ceiling)"),
        _row("  the same, beside the best group commit could do", got["group"], got["tasks32"],
             f"raw sqlite3, the same writes, 32 transitions per transaction: {_rate(got['tasks32'])}"),
        _langgraph_row(got),
        _row("SQLite · AsyncEngine.send, 16 in flight on one event loop", got["async_send"], got["send"],
             f"Engine.send one at a time in one thread (the row above): {_rate(got['send'])}"),
    ]


def _langgraph_row(got: dict[str, float]) -> Row:
    measure = "SQLite · send, one at a time, beside LangGraph"
    if "langgraph" not in got:
        return _row(measure, got["send"], LANGGRAPH_ANCHOR,
                    f"LangGraph SqliteSaver ~{_rate(LANGGRAPH_ANCHOR)} (the brief's anchor; not installed, not "
                    "measured)", 10.0, "≥ 10x", times=True)
    return _row(measure, got["send"], got["langgraph"],
                "LangGraph SqliteSaver, 1 graph step = 1 checkpoint per transition, same thread, WAL as LangGraph "
                f"sets it up: {_rate(got['langgraph'])}", 10.0, "≥ 10x", times=True)


# --- PostgreSQL -----------------------------------------------------------------------------------------
@contextmanager
def _postgres_schema(base_url: str) -> Iterator[tuple[str, str, str]]:
    """A fresh schema for this run: (SQLAlchemy URL, libpq conninfo, schema name); dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sa.make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    conninfo = sa.make_url(base_url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        yield url.render_as_string(hide_password=False), conninfo, schema
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def postgres_rows(base_url: str, sizes: Sizes) -> list[Row]:
    try:
        with sa.create_engine(base_url, poolclass=sa.pool.NullPool).connect():
            pass
    except sa.exc.OperationalError as exc:
        reason = str(exc).splitlines()[0]
        return [Row("PostgreSQL", "not measured", f"not reachable at {base_url}: {reason}", "—", "—", "—")]
    busy: dict[str, list[float]] = {name: [] for name in ("one", "raw1", "four", "raw4", "io1", "io4", "lead1",
                                                          "lead4")}
    with _postgres_schema(base_url) as (url, conninfo, schema), Engine(url) as engine:
        fleet = WorkerFleet(url, batch=32)
        try:
            got = _interleaved(sizes.postgres_rounds, {
                "one": lambda: chains_through_workers(engine, fleet, 1, sizes.postgres_chains, busy["one"]),
                "raw1": lambda: raw_psycopg_transitions(conninfo, sizes.raw_postgres, search_path=schema,
                                                        busy=busy["raw1"]),
                "four": lambda: chains_through_workers(engine, fleet, 4, 2 * sizes.postgres_chains, busy["four"]),
                "raw4": lambda: raw_psycopg_transitions(conninfo, sizes.raw_postgres // 2, connections=4,
                                                        search_path=schema, busy=busy["raw4"]),
                "io1": lambda: chains_through_workers(engine, fleet, 1, sizes.io_chains, busy["io1"],
                                                      IO_CHAIN_FLOW),
                "io4": lambda: chains_through_workers(engine, fleet, 4, 4 * sizes.io_chains, busy["io4"],
                                                      IO_CHAIN_FLOW),
                "lead1": lambda: leads_through_workers(engine, fleet, 1, sizes.postgres_leads, busy["lead1"]),
                "lead4": lambda: leads_through_workers(engine, fleet, 4, 2 * sizes.postgres_leads, busy["lead4"]),
            })
        finally:
            fleet.close()
    cpus = {name: f" ({statistics.median(shares):.0%} of the {os.cpu_count()} CPUs busy)" if shares else ""
            for name, shares in busy.items()}
    one = f"{sizes.postgres_chains} instances x {CHAIN_STEPS} tasks"
    return [
        _row(f"PostgreSQL · 1 worker process, batch 32, {one}", got["one"], got["raw1"],
             f"raw psycopg, 1 connection, 1 transaction per transition: {_rate(got['raw1'])}{cpus['raw1']}", 0.8,
             "≥ 80%", engine_text=f"{_rate(got['one'])}{cpus['one']}"),
        _row("PostgreSQL · 4 worker processes, batch 32, twice the instances", got["four"], got["raw4"],
             f"raw psycopg, 4 connections (one process each): {_rate(got['raw4'])}{cpus['raw4']}",
             engine_text=f"{_rate(got['four'])}{cpus['four']}"),
        _four_beside_one(got),
        _row("  raw psycopg, 4 connections beside 1 (what the cores allow any client)", got["raw4"], got["raw1"],
             f"1 connection: {_rate(got['raw1'])}", times=True, engine_text=_rate(got["raw4"])),
        _row("PostgreSQL · scaling, 4 workers vs 1 beside raw psycopg's 4 vs 1 (the ratio of ratios)",
             got["four"] / got["one"], got["raw4"] / got["raw1"],
             f"raw psycopg 4 vs 1: {got['raw4'] / got['raw1']:.2f}x{cpus['raw4']}", 1.0, "≥ 1.0", times=True,
             engine_text=f"{got['four'] / got['one']:.2f}x{cpus['four']}"),
        _row(f"PostgreSQL · lead qualification end to end, handlers answering at once (inline), 4 worker "
             f"processes, {2 * sizes.postgres_leads} leads", got["lead4"], got["lead1"],
             f"1 worker, {sizes.postgres_leads} leads: {got['lead1']:,.0f} leads/s{cpus['lead1']}", times=True,
             engine_text=f"{got['lead4']:,.0f} leads/s{cpus['lead4']}"),
        _row(f"PostgreSQL · actions that wait {IO_WAIT_S * 1000:.0f} ms (as a model call does): 4 workers, "
             f"{4 * sizes.io_chains} instances, beside 1 worker, {sizes.io_chains}", got["io4"], got["io1"],
             f"1 worker: {_rate(got['io1'])}{cpus['io1']}", times=True,
             engine_text=f"{_rate(got['io4'])}{cpus['io4']}"),
    ]


def _four_beside_one(got: dict[str, float]) -> Row:
    """The brief's absolute 3x needs the cores for 4 workers and the server: judged on 4 CPUs or more only;
    on fewer, the ratio of ratios below is the target."""
    row = _row("PostgreSQL · 4 workers beside 1", got["four"], got["one"], f"1 worker: {_rate(got['one'])}", 3.0,
               "≥ 3x on ≥ 4 CPUs", times=True)
    cpus = os.cpu_count() or 1
    return row if cpus >= 4 else replace(row, verdict=f"— ({cpus} CPUs)")


# --- end to end ---------------------------------------------------------------------------------------
LEAD_TARGET = 1000.0
# The brief's anchor machine: raw sqlite3 making the two writes of a transition, one transaction each, ~19,600/s.
# Absolute rates differ ~3.5x between machines of this kind, so the 1,000 leads/s set there is judged here at
# the same share of raw sqlite3 measured in this run: 1,000 x (raw here / 19,600).
RAW_SQLITE_ANCHOR = 19_600.0


def lead_target(raw_here: float) -> float:
    """The leads a second that match 1,000 on the anchor machine, given raw sqlite3's rate in this run."""
    return LEAD_TARGET * raw_here / RAW_SQLITE_ANCHOR


def lead_rows(template: Path, sizes: Sizes) -> list[Row]:
    transitions: dict[str, list[float]] = {"offline": [], "trivial": [], "inline": []}
    raw = _copy(template, f"lead-raw-{uuid.uuid4().hex[:6]}.db")

    def run(name: str) -> float:
        path = _copy(template, f"lead-{name}-{uuid.uuid4().hex[:6]}.db")
        with Engine(f"sqlite:///{path}") as engine:
            leads, steps = lead_rate(engine, sizes.leads, offline=name == "offline", inline=name == "inline")
        transitions[name].append(steps)
        return leads

    measures: dict[str, Callable[[], float]] = {name: partial(run, name) for name in transitions}
    measures["raw"] = lambda: raw_sqlite_transitions(str(raw), sizes.raw_sqlite)
    got = _interleaved(max(1, sizes.rounds // 2), measures)
    steps = {name: statistics.median(values) for name, values in transitions.items()}
    target = lead_target(got["raw"])
    met = got["inline"] >= target
    absolute = "met" if got["inline"] >= LEAD_TARGET else "missed"
    return [
        Row(f"Lead qualification end to end, SQLite, 1 worker, handlers answering at once, registered inline "
            f"({sizes.leads} leads)", f"{got['inline']:,.0f} leads/s ({steps['inline']:,.0f} transitions/s)",
            f"the same handlers run as queued jobs (not inline): {got['trivial']:,.0f} leads/s "
            f"({steps['trivial']:,.0f} transitions/s); raw sqlite3, the two writes of a transition, 1 transaction "
            f"each: {got['raw']:,.0f}/s", f"{got['inline'] / got['trivial']:.1f}x",
            f"≥ {LEAD_TARGET:,.0f} leads/s where raw sqlite3 does {RAW_SQLITE_ANCHOR:,.0f}/s (the brief's anchor): "
            f"≥ {target:,.0f} leads/s beside this run's raw sqlite3 (absolute {LEAD_TARGET:,.0f}: {absolute})",
            "met" if met else "MISSED"),
        _row(f"Lead qualification end to end, SQLite, offline handlers ({sizes.leads} leads)", got["offline"],
             got["trivial"], f"same flow, handlers answering at once: {got['trivial']:,.1f} leads/s",
             engine_text=f"{got['offline']:,.1f} leads/s ({steps['offline']:,.0f} transitions/s)"),
    ]


# --- memory ---------------------------------------------------------------------------------------------
def _probe(template: Path, stored: int) -> float:
    """MiB resident in a fresh engine process that served the probe's requests with `stored` instances."""
    path = _copy(template, f"memory-{stored}.db")
    sample = store_instances(path, stored)
    ids = path.with_suffix(".ids")
    ids.write_text("\n".join(sample))
    output = subprocess.run([sys.executable, "-m", "bench.memory_probe", f"sqlite:///{path}", str(ids)],
                            cwd=ROOT, capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    return float(json.loads(output.stdout.strip().splitlines()[-1])["rss_kib"]) / 1024


def memory_rows(template: Path, sizes: Sizes) -> list[Row]:
    probes: dict[str, Callable[[], float]] = {str(n): partial(_probe, template, n) for n in sizes.memory}
    got = _interleaved(sizes.memory_rounds, probes)
    empty = got[str(sizes.memory[0])]
    rows = []
    for stored in sizes.memory[1:]:
        grown = got[str(stored)] / empty - 1
        rows.append(Row(f"Memory · engine process RSS, {stored:,} instances stored", f"{got[str(stored)]:.1f} MiB",
                        f"{sizes.memory[0]:,} stored: {empty:.1f} MiB", f"{grown:+.1%}", "flat (within ±10%)",
                        "met" if abs(grown) <= 0.10 else "MISSED"))
    return rows


# --- the table ------------------------------------------------------------------------------------------
def _print(rows: list[Row], command: str, began: float, loads: tuple[str, str]) -> None:
    table = Table(title="Statewright engine — each figure beside its baseline, same run, medians")
    for column in ("measure", "Statewright", "baseline (same run)", "ratio", "target", ""):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row.measure, row.engine, row.baseline, row.ratio, row.target, row.verdict)
    console = Console(width=200)
    console.print(table)
    console.print(f"command: {command}   ·   {time.monotonic() - began:.0f} s   ·   {os.cpu_count()} CPUs   ·   "
                  f"load average at start {loads[0]}, at end {loads[1]}")


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and smaller workloads (about a minute)")
    parser.add_argument("--rounds", type=int, help="rounds of each SQLite measure (medians are reported)")
    parser.add_argument("--no-postgres", action="store_true", help="leave PostgreSQL out")
    parser.add_argument("--postgres-url", default=os.environ.get("STATEWRIGHT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--only", nargs="+", choices=["sqlite", "postgres", "lead", "memory"],
                        help="run only these sections")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    if args.rounds:
        sizes = Sizes(**{**sizes.__dict__, "rounds": args.rounds})
    sections = set(args.only or ["sqlite", "postgres", "lead", "memory"])
    if args.no_postgres:
        sections.discard("postgres")
    began, load_at_start = time.monotonic(), _load()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="statewright-bench-") as directory:
        template = _template(Path(directory))
        if "sqlite" in sections:
            rows += sqlite_rows(template, sizes)
        if "postgres" in sections:
            rows += postgres_rows(args.postgres_url, sizes)
        if "lead" in sections:
            rows += lead_rows(template, sizes)
        if "memory" in sections:
            rows += memory_rows(template, sizes)
    _print(rows, "python -m bench.bench_engine " + " ".join(sys.argv[1:]), began, (load_at_start, _load()))


if __name__ == "__main__":
    main()
