"""The DBOS bench (bench/bench_dbos.py): its smallest run on SQLite prints both rows with DBOS and Statewright
measured and a verdict, and the Statewright workload it times carries x through 8 tasks. No timing asserts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bench.workloads import CHAIN_STEPS, INCREMENT_FLOW, increment_rate
from engine.runtime.engine import Engine

ROOT = Path(__file__).resolve().parents[2]
RATE = r"[\d,.]+ wf/s \([\d,]+ steps/s\)"


def test_quick_run_on_sqlite_prints_both_rows_with_a_verdict() -> None:
    run = subprocess.run([sys.executable, "-m", "bench.bench_dbos", "--quick", "--no-postgres"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=False,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"})
    assert run.returncode == 0, run.stderr[-3000:]
    for mode in ("one at a time", "32 concurrent"):
        row = (rf"│ SQLite\s+│ {mode}\s+│ {RATE}\s+│ {RATE}\s+│ {RATE}, [\d.]+x\s+│ [\d.]+x\s+│ ≥ 20x\s+│ "
               r"(met|MISSED)\s+│")
        assert re.search(row, run.stdout), run.stdout
    assert "PostgreSQL" not in run.stdout


def test_increment_workload_runs_every_chain_to_x_plus_8(database_url: str) -> None:
    with Engine(database_url) as engine:
        assert increment_rate(engine, 5, concurrent=2) > 0
        instances = engine.list_instances(workflow_id=INCREMENT_FLOW["id"])
        assert sorted(v.context["x"] for v in instances) == [n + CHAIN_STEPS for n in range(5)]
        assert all(v.status == "succeeded" and v.version >= CHAIN_STEPS for v in instances)


def test_increment_workload_with_the_action_inline_and_starts_from_threads(database_url: str) -> None:
    with Engine(database_url) as engine:
        assert increment_rate(engine, 6, concurrent=3, inline=True, start_threads=3) > 0
        instances = engine.list_instances(workflow_id=INCREMENT_FLOW["id"])
        assert sorted(v.context["x"] for v in instances) == [n + CHAIN_STEPS for n in range(6)]
        assert all(v.status == "succeeded" and v.version == CHAIN_STEPS + 1 for v in instances)
        assert engine.handlers.is_inline("increment")
