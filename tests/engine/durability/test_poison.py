"""A poison job: an action that SIGKILLs the worker process running it. Each death loses an attempt (its lease
lapses, the next worker takes the job up as the next attempt), so the instance ends after `max_attempts`
deaths — through the task's error path, or `stuck` without one — instead of killing workers forever.

Real `statewright worker` processes, restarted by the test (a supervisor) whenever one has died.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from side_effect_ledger import Ledger
from worker_processes import WorkerProcess, drill_environment, worker_argv

from engine.runtime.engine import Engine

MAX_ATTEMPTS = 2
DEADLINE_S = 180


def _flow(workflow_id: str, *, error_path: bool) -> dict[str, Any]:
    transitions = [{"source": "poison", "trigger": "done", "dest": "done"}]
    states: dict[str, Any] = {
        "poison": {"type": "task", "action": "kill_own_worker",
                   "retry": {"max_attempts": MAX_ATTEMPTS, "backoff": "fixed", "initial_interval_s": 0.05}},
        "done": {"type": "final", "outcome": "success"},
    }
    if error_path:
        states["gave_up"] = {"type": "final", "outcome": "failure"}
        transitions.append({"source": "poison", "trigger": "error", "dest": "gave_up"})
    return {"id": workflow_id, "title": workflow_id, "initial": "poison", "states": states,
            "transitions": transitions}


def _supervise(engine: Engine, ids: list[str], argv: list[str], env: dict[str, str], log: Any) -> int:
    """Keep one worker running — a new one whenever the last died — until no instance is `running`. Returns
    how many workers died."""
    deaths = 0
    worker = WorkerProcess(argv, env, log)
    deadline = time.monotonic() + DEADLINE_S
    try:
        while any(engine.get(i).status == "running" for i in ids):
            if time.monotonic() > deadline:
                pytest.fail(f"the instances still ran after {DEADLINE_S} s and {deaths} worker deaths")
            if not worker.running():
                deaths += 1
                worker = WorkerProcess(argv, env, log)
            time.sleep(0.05)
    finally:
        assert worker.stop() == 0
    return deaths


@pytest.mark.slow
def test_a_job_that_kills_its_worker_ends_after_its_attempts(database_url: str, tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.db")
    ledger.create()
    argv = worker_argv(database_url, batch=1, poll_s=0.05, heartbeat_s=0.2)
    with Engine(database_url) as engine, (tmp_path / "workers.log").open("w") as log:
        engine.deploy(_flow("poison_handled", error_path=True))
        engine.deploy(_flow("poison_unhandled", error_path=False))
        handled = engine.start("poison_handled").id
        unhandled = engine.start("poison_unhandled").id
        deaths = _supervise(engine, [handled, unhandled], argv, drill_environment(Path(ledger.path)), log)

        # one worker per attempt: each took one job (batch 1) and died running it; none ran a third attempt
        assert deaths == 2 * MAX_ATTEMPTS
        assert ledger.attempts() == {f"{handled}:1": {1, 2}, f"{unhandled}:1": {1, 2}}

        ended = engine.get(handled)
        assert (ended.state, ended.status) == ("gave_up", "failed")
        last = engine.history(handled)[-1]
        assert (last.event, last.payload["kind"], last.payload["attempts"]) == ("error", "lost", MAX_ATTEMPTS)
        assert [(a["attempt"], a["outcome"]) for a in last.attempts] == [(1, "lost"), (2, "lost")]

        stuck = engine.get(unhandled)
        assert (stuck.state, stuck.status, stuck.error["kind"]) == ("poison", "stuck", "lost")
        assert [i.id for i in engine.list_instances(status="stuck")] == [unhandled]
        for instance_id in (handled, unhandled):
            assert engine.replay(instance_id).matches


def _plain(workflow_id: str, action: str, **task: Any) -> dict[str, Any]:
    return {"id": workflow_id, "title": workflow_id, "initial": "run",
            "states": {"run": {"type": "task", "action": action, **task}, "done": {"type": "final"}},
            "transitions": [{"source": "run", "trigger": "done", "dest": "done"}]}


@pytest.mark.slow
def test_a_poison_job_takes_no_other_jobs_attempts_with_it(database_url: str, tmp_path: Path) -> None:
    """The poison job is claimed in one batch with others, which die with it once (nothing can tell which job
    killed the worker). Taken up again, each comes alone: the poison job then kills its workers by itself until it
    is stuck, and every other job finishes — at most one attempt lost. Before, the batch was taken up together
    again and again, and after three deaths every job in it was stuck."""
    ledger = Ledger(tmp_path / "ledger.db")
    ledger.create()
    argv = worker_argv(database_url, batch=8, poll_s=0.05, heartbeat_s=0.2)
    with Engine(database_url) as engine, (tmp_path / "workers.log").open("w") as log:
        engine.deploy(_plain("poison", "kill_own_worker"))
        engine.deploy(_plain("innocent", "work"))
        poison = engine.start("poison").id  # due first: in the first batch
        innocents = [engine.start("innocent").id for _ in range(12)]
        deaths = _supervise(engine, [poison, *innocents], argv, drill_environment(Path(ledger.path)), log)

        assert deaths == 3  # the poison job's three attempts (a task without retries), and no more
        assert engine.get(poison).status == "stuck"
        assert [engine.get(i).status for i in innocents] == ["succeeded"] * len(innocents)
        attempts = ledger.attempts()
        assert attempts[f"{poison}:1"] == {1, 2, 3}
        # attempt 1 ran, or was lost with the poison job's first worker (before it began, or while it ran)
        assert all(attempts[f"{i}:1"] in ({1}, {2}, {1, 2}) for i in innocents), attempts
        lost_once = [i for i in innocents if 2 in attempts[f"{i}:1"]]
        assert lost_once, "no other job was in the poison job's first batch: the test shows nothing"
