"""A worker killed while it runs long actions: its leases, kept alive by its heartbeat rather than stretched to
the tasks' timeout, lapse within a few heartbeats, and another worker takes the jobs up as their next attempt.

The first attempt of each task runs for a minute (timeout two minutes); a real worker process holds them all,
the test SIGKILLs it and starts another.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from side_effect_ledger import Ledger
from worker_processes import Launcher, drill_environment, worker_argv

from engine.runtime.engine import Engine
from engine.runtime.heartbeat import LEASE_HEARTBEATS
from storage.jobs import JobRecord, JobStore
from storage.transaction import Transaction

JOBS = 6
HEARTBEAT_S = 0.3
LEASE_S = LEASE_HEARTBEATS * HEARTBEAT_S
LINGER_S = 60.0
TIMEOUT_S = 120
WAIT_S = 60

FLOW: dict[str, Any] = {
    "id": "lingering", "title": "Lingering", "initial": "linger",
    "states": {"linger": {"type": "task", "action": "linger", "input": {"seconds": f"{LINGER_S}"},
                          "output": "out", "timeout_s": TIMEOUT_S},
               "ok": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "linger", "trigger": "done", "dest": "ok"}],
}


def _wait_for(what: str, done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {WAIT_S} s: {what}")
        time.sleep(0.05)


def _jobs(engine: Engine, ids: list[str]) -> dict[int, JobRecord]:
    def read(tx: Transaction) -> dict[int, JobRecord]:
        store = JobStore(tx)
        return {job.id: job for instance_id in ids for job in store.for_instance(instance_id)}

    return engine.runtime.read(read)


@pytest.mark.slow
def test_a_dead_workers_jobs_move_to_another_worker_within_a_few_heartbeats(database_url: str,
                                                                             tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.db")
    ledger.create()
    argv = worker_argv(database_url, batch=JOBS, poll_s=0.05, heartbeat_s=HEARTBEAT_S)
    with Engine(database_url) as engine, (tmp_path / "workers.log").open("w") as log:
        engine.deploy(FLOW)
        ids = [engine.start("lingering").id for _ in range(JOBS)]
        launcher = Launcher(drill_environment(Path(ledger.path)), log)
        try:
            first = launcher.spawn(argv)
            _wait_for("the first worker runs every action", lambda: len(ledger.executions()) == JOBS)
            held = _jobs(engine, ids)
            assert {(job.status, job.attempt) for job in held.values()} == {("running", 1)}
            assert {job.lease_owner.split(":")[1] for job in held.values() if job.lease_owner} == {str(first)}

            time.sleep(2 * LEASE_S)  # longer than a lease: only heartbeats keep them
            renewed = _jobs(engine, ids)
            for job_id, job in renewed.items():
                assert (job.status, job.lease_owner, job.attempt) == ("running", held[job_id].lease_owner, 1)
                assert job.lease_expires is not None
                assert job.lease_expires > (held[job_id].lease_expires or 0.0)  # renewed by a heartbeat ...
                assert job.lease_expires <= time.time() + LEASE_S  # ... for a few heartbeats, not the timeout

            launcher.kill(first)
            killed_at = time.time()
            second = launcher.spawn(argv)
            _wait_for("the second worker finishes every task", lambda: all(engine.get(i).ended for i in ids))
            assert launcher.stop(second) == 0
        finally:
            launcher.close()

        for instance_id in ids:
            view = engine.get(instance_id)
            assert (view.state, view.context["out"]["attempt"]) == ("ok", 2)
            lost, done = engine.history(instance_id)[-1].attempts
            assert (lost["attempt"], lost["outcome"], done["attempt"], done["outcome"]) == (1, "lost", 2, "done")
            assert lost["at"] - killed_at < TIMEOUT_S  # taken up long before the task's timeout would have lapsed
        assert ledger.attempts() == {f"{i}:1": {1, 2} for i in ids}
