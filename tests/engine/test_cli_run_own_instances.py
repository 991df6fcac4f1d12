"""`statewright run` works only for the instance it starts (and its children): a job or a timer of another
instance in the same database is a worker's. It used to run every due job and timer there — and a job whose
handler its process lacks failed at once as `unknown_action`, so a run beside a real worker failed that
worker's instances (and, with the llm executor, made their model calls again)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.engine import Engine
from storage.jobs import JobStore

BILLING: dict[str, Any] = {
    "id": "billing", "title": "Billing", "initial": "bill",
    "states": {"bill": {"type": "task", "action": "bill"}, "billed": {"type": "final"}},
    "transitions": [{"source": "bill", "trigger": "done", "dest": "billed"}],
}
COOLING: dict[str, Any] = {
    "id": "cooling", "title": "Cooling", "initial": "cool_off",
    "states": {"cool_off": {"type": "wait", "duration": "PT1S"}, "cooled": {"type": "final"}},
    "transitions": [{"source": "cool_off", "trigger": "done", "dest": "cooled"}],
}
GREETING: dict[str, Any] = {
    "id": "greeting", "title": "Greeting", "initial": "greet",
    "states": {"greet": {"type": "wait", "duration": "PT1S"}, "greeted": {"type": "final"}},
    "transitions": [{"source": "greet", "trigger": "done", "dest": "greeted"}],
}


def test_a_run_leaves_other_instances_jobs_and_timers_to_their_workers(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'shared.db'}"
    with Engine(db) as worker_side:  # a worker's process: it has the handler of `bill`
        worker_side.register("bill", lambda request: {"invoice": 1})
        worker_side.deploy(BILLING)
        worker_side.deploy(COOLING)
        billing = worker_side.start("billing").id  # its job is ready: the worker has not run yet
        cooling = worker_side.start("cooling").id
    time.sleep(1.1)  # the cooling timer falls due
    flow = tmp_path / "greeting.json"
    flow.write_text(json.dumps(GREETING), encoding="utf-8")
    done = CliRunner().invoke(build_app("run"), ["run", str(flow), "--db", db], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output  # its own wait of 1 s was waited for and fired
    with Engine(db) as engine:
        (job,) = engine.runtime.read(lambda tx: JobStore(tx).for_instance(billing))
        assert (job.status, job.attempt) == ("ready", 1)  # not failed as unknown_action, not attempted
        assert (engine.get(billing).state, engine.get(billing).status) == ("bill", "running")
        assert (engine.get(cooling).state, engine.get(cooling).status) == ("cool_off", "running")
        engine.register("bill", lambda request: {"invoice": 1})
        engine.run_until_idle()  # the worker, when it comes, finds both as they were
        assert engine.get(billing).state == "billed"
        assert engine.get(cooling).state == "cooled"
