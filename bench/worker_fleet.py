"""Worker processes for the benchmarks: `statewright worker`, started the ordinary way, and a
timed run of chains through them.

Starting a worker takes seconds (imports), so the work is held back until every worker is up: the chains are
started while no worker runs, their first jobs are pushed an hour into the future, the workers start and
report in, and then the jobs are made due at once — the clock starts there and stops when every chain ended.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.cpu_busy import cpu_busy
from bench.workloads import CHAIN_FLOW, CHAIN_STEPS, deploy_lead_flow, lead_contexts, start_chains
from engine.runtime.engine import Engine
from storage.transaction import Transaction

__all__ = ["WorkerFleet", "chains_through_workers", "leads_through_workers"]

ROOT = Path(__file__).resolve().parents[1]
READY = "worker on"
HELD_BACK_S = 3600.0


class WorkerFleet:
    """Worker processes on one database, each with its log in a temporary file."""

    def __init__(self, database_url: str, *, batch: int, poll_s: float = 0.02) -> None:
        self._argv = [sys.executable, "-m", "designer.cli", "worker", "--db", database_url, "--handlers",
                      "bench.workloads:register_step", "--batch", str(batch), "--poll", str(poll_s)]
        self._running: list[tuple[subprocess.Popen[bytes], Path]] = []
        self._logs = Path(tempfile.mkdtemp(prefix="statewright-bench-workers-"))

    def __len__(self) -> int:
        return len(self._running)

    def resize(self, size: int, *, timeout_s: float = 120) -> None:
        """Stop or start workers until `size` run, and wait until every new one has reported in."""
        while len(self._running) > size:
            process, _ = self._running.pop()
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        started = []
        while len(self._running) < size:
            log = self._logs / f"worker-{len(self._running)}-{time.monotonic_ns()}.log"
            with log.open("wb") as sink:
                process = subprocess.Popen(self._argv, cwd=ROOT, env=env, stdout=sink, stderr=sink)
            self._running.append((process, log))
            started.append((process, log))
        deadline = time.monotonic() + timeout_s
        for process, log in started:
            while READY not in log.read_text(errors="replace"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"a worker did not start: {log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.05)

    def close(self) -> None:
        try:
            self.resize(0)
        finally:
            shutil.rmtree(self._logs, ignore_errors=True)


def _hold_back(tx: Transaction, until: float) -> None:
    tx.execute("UPDATE jobs SET due_at = ? WHERE status = 'ready'", (until,))


def chains_through_workers(engine: Engine, fleet: WorkerFleet, workers: int, instances: int,
                           busy: list[float] | None = None, flow: dict[str, Any] = CHAIN_FLOW) -> float:
    """Transitions per second of `workers` worker processes taking `instances` chains of `flow` to their end
    (and, into `busy`, how busy the CPUs were meanwhile)."""
    fleet.resize(0)
    start_chains(engine, instances, flow)
    engine.runtime.write(lambda tx: _hold_back(tx, time.time() + HELD_BACK_S))
    fleet.resize(workers)
    with cpu_busy(busy):
        started = time.perf_counter()
        engine.runtime.write(lambda tx: _hold_back(tx, 0.0))
        while engine.count_instances(workflow_id=flow["id"], status="running"):
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
    return instances * CHAIN_STEPS / elapsed


def leads_through_workers(engine: Engine, fleet: WorkerFleet, workers: int, leads: int,
                          busy: list[float] | None = None) -> float:
    """Leads per second of `workers` worker processes taking `leads` instances of the shipped lead-qualification
    flow, with handlers that answer at once (registered inline: `bench.workloads.register_step`), to their end."""
    fleet.resize(0)
    deploy_lead_flow(engine)
    for context in lead_contexts(leads):
        engine.start("lead_qualification", context)
    engine.runtime.write(lambda tx: _hold_back(tx, time.time() + HELD_BACK_S))
    fleet.resize(workers)
    with cpu_busy(busy):
        started = time.perf_counter()
        engine.runtime.write(lambda tx: _hold_back(tx, 0.0))
        while engine.count_instances(workflow_id="lead_qualification", status="running"):
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
    return leads / elapsed
