"""What `statewright run` says about an instance it leaves behind. A run that stopped at an approval, a timer or an
event wait printed only `review (running)` and exit 3 (or, for an example, "expects 'done', reached 'cool_off'"),
and Ctrl-C printed nothing at all: the user did not know the instance's id, what it waited for, or what to type
next. The worker's Ctrl-C was silent too while it let the running actions finish."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from designer.cli import build_cli
from engine.cli.app import build_app
from engine.runtime.engine import Engine

APPROVAL: dict[str, Any] = {
    "id": "expense", "title": "Expense", "initial": "review",
    "states": {"review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "PT1H"},
               "paid": {"type": "final"}, "refused": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "review", "trigger": "approve", "dest": "paid"},
                    {"source": "review", "trigger": "reject", "dest": "refused"},
                    {"source": "review", "trigger": "timeout", "dest": "refused"}],
}
TIMER: dict[str, Any] = {
    "id": "cooling", "title": "Cooling", "initial": "cool_off",
    "states": {"cool_off": {"type": "wait", "duration": "PT1H"}, "done": {"type": "final"}},
    "transitions": [{"source": "cool_off", "trigger": "done", "dest": "done"}],
    "examples": [{"name": "cools", "expect_state": "done"}],
}
EVENT: dict[str, Any] = {
    "id": "delivery", "title": "Delivery", "initial": "await_parcel",
    "context": {"type": "object", "properties": {"order": {"type": "object"}}},
    "states": {"await_parcel": {"type": "wait", "event": {"type": "parcel_delivered", "correlation": "order.id"}},
               "delivered": {"type": "final"}},
    "transitions": [{"source": "await_parcel", "trigger": "done", "dest": "delivered"}],
}


def _run(tmp_path: Path, flow: dict[str, Any], *args: str) -> Any:
    path = tmp_path / f"{flow['id']}.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    return CliRunner().invoke(build_app("run"), ["run", str(path), *args], env={"COLUMNS": "400"})


def test_a_run_at_an_approval_says_how_to_decide_it(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    done = _run(tmp_path, APPROVAL, "--db", db)
    assert done.exit_code == 3, done.output
    with Engine(db) as engine:
        (instance,) = engine.list_instances()
    assert f"{instance.id} waits in 'review' for an approval" in done.output
    assert f"`statewright approve {instance.id} --actor NAME --role ROLE --db {db}`" in done.output


def test_an_example_stopped_at_a_timer_says_when_it_fires_and_who_fires_it(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    done = _run(tmp_path, TIMER, "--example", "cools", "--db", db)
    assert done.exit_code == 3  # not ended: it waits (QA: exit 1 said it missed, while --context said 3)
    assert ("the example 'cools' expects the state 'done'; the run has not ended: it waits in 'cool_off' for time"
            in done.output)
    assert "waits in 'cool_off' for a timer ('done' due in 60 min, past --max-wait 30 s)" in done.output
    assert f"`statewright worker --db {db}` fires it" in done.output


def test_a_run_at_an_event_wait_names_the_event_and_its_correlation_key(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    done = _run(tmp_path, EVENT, "--context", '{"order": {"id": "O-7"}}', "--db", db)
    assert done.exit_code == 3, done.output
    assert ("for the event 'parcel_delivered': `statewright publish parcel_delivered --correlation-key O-7 "
            f"--payload JSON --db {db}`") in done.output


SHORT_TIMERS: dict[str, Any] = {
    "id": "short_timers", "title": "Short timers", "initial": "cool_off",
    "states": {
        "cool_off": {"type": "wait", "duration": "PT1S"},
        "both": {"type": "parallel", "branches": [
            {"name": "paused", "initial": "pause", "states": {"pause": {"type": "wait", "duration": "PT1S"},
                                                             "paused_done": {"type": "final"}},
             "transitions": [{"source": "pause", "trigger": "done", "dest": "paused_done"}]}]},
        "review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "PT1S"},
        "paid": {"type": "final"}, "lapsed": {"type": "final", "outcome": "failure"},
        "broken": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "cool_off", "trigger": "done", "dest": "both"},
                    {"source": "both", "trigger": "done", "dest": "review"},
                    {"source": "both", "trigger": "error", "dest": "broken"},
                    {"source": "review", "trigger": "approve", "dest": "paid"},
                    {"source": "review", "trigger": "reject", "dest": "lapsed"},
                    {"source": "review", "trigger": "timeout", "dest": "lapsed"}],
    "examples": [{"name": "approved", "events": [{"event": "approve", "actor": "ann"}], "expect_state": "paid"}],
}


def test_a_run_waits_for_timers_due_within_max_wait_and_carries_the_flow_on(tmp_path: Path) -> None:
    """`run` waited for retries only: a one-second wait state stopped it with exit 3 and a worker to start. Now a
    wait state's timer, a branch's timer and an approval's timeout due within --max-wait are waited for."""
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    done = _run(tmp_path, SHORT_TIMERS, "--db", db, "--max-wait", "60")
    assert done.exit_code == 1, done.output  # it ended, in the failure the approval's timeout leads to
    with Engine(db) as engine:
        (instance,) = engine.list_instances(top_level_only=True)
        assert [(h.from_state, h.to_state, h.event) for h in engine.history(instance.id)] == [
            (None, "cool_off", "(start)"), ("cool_off", "both", "done"), ("both", "review", "done"),
            ("review", "lapsed", "timeout")]
    assert "lapsed (failed)" in done.output


def test_an_example_s_next_event_comes_before_a_deadline_it_would_wait_for(tmp_path: Path) -> None:
    """With the example's approval still to play, the approval's short timeout is not waited for."""
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    done = _run(tmp_path, SHORT_TIMERS, "--example", "approved", "--db", db, "--max-wait", "60")
    assert done.exit_code == 0, done.output
    assert "paid (succeeded)" in done.output


def test_a_timer_due_after_max_wait_is_left_to_a_worker_and_named(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    flow = {**SHORT_TIMERS, "states": {**SHORT_TIMERS["states"], "cool_off": {"type": "wait", "duration": "PT10M"}}}
    done = _run(tmp_path, flow, "--db", db, "--max-wait", "5")
    assert done.exit_code == 3, done.output
    assert "waits in 'cool_off' for a timer ('done' due in 10 min, past --max-wait 5 s)" in done.output


def test_a_run_stopped_at_a_branch_s_timer_says_when_it_is_due(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    states = {**SHORT_TIMERS["states"], "cool_off": {"type": "wait", "duration": "PT1S"}}
    states["both"] = json.loads(json.dumps(states["both"]).replace('"PT1S"', '"PT3H"'))
    done = _run(tmp_path, {**SHORT_TIMERS, "states": states}, "--db", db, "--max-wait", "5")
    assert done.exit_code == 3, done.output
    assert "waits in 'both' for its children (the next timer among them is due in 3 h, past --max-wait 5 s)" \
        in done.output


SLOW_RETRY: dict[str, Any] = {
    "id": "slow", "title": "Slow", "initial": "work",
    "states": {"work": {"type": "task", "action": "flaky", "timeout_s": 30,
                        "retry": {"max_attempts": 3, "backoff": "fixed", "initial_interval_s": 30, "jitter": False}},
               "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "done"},
                    {"source": "work", "trigger": "error", "dest": "failed"}],
}


def _started(process: subprocess.Popen[str], db: str, check: Any) -> None:
    """Wait (bounded, not measured: a loaded machine starts Python slowly) until `check(engine)` holds."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        if Path(db.removeprefix("sqlite:///")).exists():
            with Engine(db) as engine:
                if check(engine):
                    return
        time.sleep(0.1)
    pytest.fail("the command did not get there")


@pytest.fixture
def handlers(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "flaky_handlers.py").write_text(
        "from engine.runtime.actions import ActionError\n"
        "def flaky(request):\n    raise ActionError('unavailable', 'down')\n"
        "def register(engine):\n    engine.register('flaky', flaky)\n", encoding="utf-8")
    return {**os.environ, "PYTHONPATH": str(tmp_path), "COLUMNS": "400"}


def test_ctrl_c_during_a_run_names_the_instance_it_leaves_and_what_carries_it_on(
        tmp_path: Path, handlers: dict[str, str]) -> None:
    flow = tmp_path / "slow.json"
    flow.write_text(json.dumps(SLOW_RETRY), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    process = subprocess.Popen(  # waits for the retry due in 30 s, within --max-wait
        [sys.executable, "-m", "designer.cli", "run", str(flow), "--handlers", "flaky_handlers:register",
         "--db", db, "--max-wait", "120"], env=handlers, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _started(process, db, _retry_armed)
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=60)
    with Engine(db) as engine:
        (instance,) = engine.list_instances()
    assert process.returncode == 130, errors
    assert "Traceback" not in errors
    assert f"interrupted: instance {instance.id} stays in 'work' (running)" in errors
    assert f"`statewright worker --handlers flaky_handlers:register --db {db}` carries it on" in errors


def _retry_armed(engine: Engine) -> bool:
    from engine.runtime.example_run import pending_retries  # noqa: PLC0415

    return any(pending_retries(engine, i.id) for i in engine.list_instances())


def test_ctrl_c_on_a_worker_says_it_is_stopping(tmp_path: Path, handlers: dict[str, str]) -> None:
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    with Engine(db):
        pass  # the database exists, so the worker's start can be seen
    process = subprocess.Popen(
        [sys.executable, "-m", "designer.cli", "worker", "--handlers", "flaky_handlers:register", "--db", db,
         "--poll", "0.1"], env=handlers, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        assert process.stderr is not None
        while time.monotonic() < deadline and "worker on" not in process.stderr.readline():
            pass
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=60)
    assert process.returncode == 0, errors
    assert "stopping: the actions running now finish first" in errors


UNHANDLED: dict[str, Any] = {
    "id": "unhandled", "title": "Unhandled", "initial": "work",
    "states": {"work": {"type": "task", "action": "no_one_does_this", "output": "out"}, "done": {"type": "final"},
               "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "done"},
                    {"source": "work", "trigger": "error", "dest": "failed"}],
}


def test_a_flow_whose_actions_no_handler_performs_says_how_to_give_handlers(tmp_path: Path) -> None:
    """The refusal named the action and stopped; a new user running their own flow did not know where handlers
    come from."""
    path = tmp_path / "unhandled.json"
    path.write_text(json.dumps(UNHANDLED), encoding="utf-8")
    done = CliRunner().invoke(build_cli("run"), ["run", str(path), "--db", f"sqlite:///{tmp_path / 'runs.db'}"],
                              env={"COLUMNS": "400"})  # the console script: the rules executor's handlers loaded
    assert done.exit_code == 1
    assert "runs action 'no_one_does_this', but no handler of that name is registered" in done.output
    assert "give your own with --handlers module:function" in done.output


MAP_OF_CHECKS: dict[str, Any] = {
    "id": "map_of_checks", "title": "Map of checks", "initial": "each",
    "context": {"type": "object", "properties": {"items": {"type": "array"}}},
    "states": {"each": {"type": "map", "items": "context.items", "iterator": {
                   "initial": "check", "states": {"check": {"type": "task", "action": "check_item"},
                                                  "checked": {"type": "final"}},
                   "transitions": [{"source": "check", "trigger": "done", "dest": "checked"}]}},
               "done": {"type": "final"}},
    "transitions": [{"source": "each", "trigger": "done", "dest": "done"}],
}


def test_a_redriven_map_says_its_items_actions_are_ready_not_a_timer(tmp_path: Path) -> None:
    """From an outside QA pass: after a map's redrive, `redrive` said it waited "for its children (the next timer
    among them is due in 0 s)" — none of them had a timer; their actions were queued for a worker."""
    db = f"sqlite:///{tmp_path / 'maps.db'}"
    with Engine(db) as engine:
        engine.register("check_item", lambda request: (_ for _ in ()).throw(RuntimeError("bad item")))
        engine.deploy(MAP_OF_CHECKS)
        failed = engine.start("map_of_checks", {"items": [1, 2, 3]}).id
        engine.run_until_idle()
        assert engine.get(failed).status == "failed"
    done = CliRunner().invoke(build_app("redrive"), ["redrive", failed, "--db", db], env={"COLUMNS": "400"})
    assert done.exit_code == 0, done.output
    assert "timer" not in done.output
    assert f"{failed} waits in 'each' for its children (actions among them are ready to run now)" in done.output
