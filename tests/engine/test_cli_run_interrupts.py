"""Ctrl-C while `statewright run` (or `worker`) runs an action. The run used to wait silently for the action,
its result then dropped, and a second Ctrl-C printed a traceback from the interpreter's exit. Now the first
Ctrl-C names the action it waits for (its outcome is recorded, then the run stops), and a second abandons it at
once, its job left leased for a later worker to run again. The steps are sequenced with files and signals: the
handler says it started by writing a file, and ends only when the test writes another."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from storage.jobs import JobStore

BOUND_S = 120  # how long a step may take on a loaded machine before the test gives up (not a measurement)

HANDLERS = '''
import os, time
from pathlib import Path

def crunch(request):
    Path(os.environ["CRUNCH_STARTED"]).write_text(str(request.attempt))
    release = Path(os.environ["CRUNCH_RELEASE"])
    for _ in range(int(os.environ.get("CRUNCH_BOUND_S", "120")) * 20):
        if release.exists():
            return {"attempt": request.attempt}
        time.sleep(0.05)
    raise RuntimeError("never released")

def register(engine):
    engine.register("crunch", crunch)
'''


def _flow(**task: Any) -> dict[str, Any]:
    return {
        "id": "crunching", "title": "Crunching", "initial": "crunch",
        "states": {"crunch": {"type": "task", "action": "crunch", "output": "out", **task},
                   "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "crunch", "trigger": "done", "dest": "done"},
                        {"source": "crunch", "trigger": "error", "dest": "failed"}],
    }


class _Command:
    """A CLI subprocess whose stderr lines are read as they come."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(tmp_path), "COLUMNS": "400",
               "CRUNCH_STARTED": str(tmp_path / "started"), "CRUNCH_RELEASE": str(tmp_path / "release")}
        self.process = subprocess.Popen([sys.executable, "-m", "designer.cli", *args], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line)
        self.lines.put("")  # the end

    def wait_for_line(self, text: str) -> str:
        deadline = time.monotonic() + BOUND_S
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
            if not line:
                break
        pytest.fail(f"no line with {text!r}; stderr so far: {''.join(self.seen)}")

    def finish(self) -> tuple[int, str]:
        """The exit code and all of stderr."""
        try:
            code = self.process.wait(timeout=BOUND_S)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        while (line := self.lines.get(timeout=BOUND_S)) != "":
            self.seen.append(line)
        return code, "".join(self.seen)


def _wait_for_file(path: Path, command: _Command) -> None:
    deadline = time.monotonic() + BOUND_S
    while not path.exists():
        if command.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the handler never started; stderr: {command.finish()[1]}")
        time.sleep(0.05)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, str]:
    (tmp_path / "crunch_handlers.py").write_text(HANDLERS, encoding="utf-8")
    return tmp_path, f"sqlite:///{tmp_path / 'runs.db'}"


def _start_run(tmp_path: Path, db: str, flow: dict[str, Any]) -> _Command:
    path = tmp_path / "crunching.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    command = _Command(tmp_path, "run", str(path), "--handlers", "crunch_handlers:register", "--db", db)
    _wait_for_file(tmp_path / "started", command)
    return command


@pytest.mark.parametrize("task", [{}, {"timeout_s": 600}], ids=["on the main thread", "on a pool thread"])
def test_a_second_ctrl_c_abandons_the_running_action_for_a_later_worker(
        setup: tuple[Path, str], task: dict[str, Any]) -> None:
    tmp_path, db = setup
    command = _start_run(tmp_path, db, _flow(**task))
    command.process.send_signal(signal.SIGINT)
    said = command.wait_for_line("interrupted: waiting for")
    assert "the action 'crunch' in 'crunch' (attempt 1, instance" in said
    assert "Press Ctrl-C again to abandon it" in said
    command.process.send_signal(signal.SIGINT)
    code, errors = command.finish()  # the handler was never released: only the abandonment ends the command
    assert code == 130, errors
    assert "Traceback" not in errors
    assert "abandoned the action 'crunch' in 'crunch' (attempt 1, instance" in errors
    assert f"`statewright worker --db {db}` takes it up once its lease lapses" in errors
    assert "'crunch': the worker records it as lost and runs 'crunch' again as attempt 2" in errors

    # the database as a killed worker leaves it: the job leased, the instance in its task
    with Engine(db) as engine:
        (instance,) = engine.list_instances()
        assert (instance.state, instance.status) == ("crunch", "running")
        (job,) = engine.runtime.read(lambda tx: JobStore(tx).for_instance(instance.id))
        assert (job.status, job.attempt) == ("running", 1)
        assert job.lease_expires is not None
        lapsed_at = job.lease_expires + 1
    # a later worker (its clock past the lease, rather than waiting for it) takes the job up as attempt 2
    (tmp_path / "release").write_text("", encoding="utf-8")
    with Engine(db, clock=ManualClock(lapsed_at)) as engine:
        engine.register("crunch", lambda request: {"attempt": request.attempt})
        engine.run_until_idle()
        view = engine.get(instance.id)
        assert (view.state, view.context["out"]) == ("done", {"attempt": 2})
        assert [a["outcome"] for a in engine.history(instance.id)[-1].attempts] == ["lost", "done"]


def test_the_first_ctrl_c_waits_for_the_action_and_records_its_outcome(setup: tuple[Path, str]) -> None:
    tmp_path, db = setup
    command = _start_run(tmp_path, db, _flow(timeout_s=600))
    command.process.send_signal(signal.SIGINT)
    command.wait_for_line("interrupted: waiting for the action 'crunch'")
    (tmp_path / "release").write_text("", encoding="utf-8")
    code, errors = command.finish()
    assert code == 130, errors
    with Engine(db) as engine:
        (instance,) = engine.list_instances()
        assert (instance.state, instance.context["out"]) == ("done", {"attempt": 1})  # the outcome was kept
        assert [a["outcome"] for a in engine.history(instance.id)[-1].attempts] == ["done"]
    assert f"interrupted: instance {instance.id} ended in 'done' (succeeded)" in errors
    assert "Traceback" not in errors


@pytest.mark.parametrize("second", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_a_second_ctrl_c_or_sigterm_on_a_worker_abandons_its_running_action(
        setup: tuple[Path, str], second: signal.Signals) -> None:
    """A process manager's `kill` as well as a person's Ctrl-C: a worker whose handler hangs (no timeout) is not
    deaf to a second SIGTERM."""
    tmp_path, db = setup
    with Engine(db) as engine:
        engine.deploy(_flow())
        started = engine.start("crunching")
    command = _Command(tmp_path, "worker", "--handlers", "crunch_handlers:register", "--db", db, "--poll", "0.1")
    _wait_for_file(tmp_path / "started", command)
    command.process.send_signal(second)
    said = command.wait_for_line("stopping: waiting for")
    assert f"the action 'crunch' in 'crunch' (attempt 1, instance {started.id})" in said
    assert "Press Ctrl-C (or send SIGTERM) again to abandon it" in said
    command.process.send_signal(second)
    code, errors = command.finish()
    assert code == 130, errors
    assert f"abandoned the action 'crunch' in 'crunch' (attempt 1, instance {started.id})" in errors
    with Engine(db) as engine:
        (job,) = engine.runtime.read(lambda tx: JobStore(tx).for_instance(started.id))
        assert (job.status, job.attempt) == ("running", 1)
        assert engine.get(started.id).state == "crunch"


def test_abandoning_an_action_whose_instance_was_cancelled_says_nothing_runs_it_again(
        setup: tuple[Path, str]) -> None:
    tmp_path, db = setup
    with Engine(db) as engine:
        engine.deploy(_flow())
        started = engine.start("crunching")
    command = _Command(tmp_path, "worker", "--handlers", "crunch_handlers:register", "--db", db, "--poll", "0.1")
    _wait_for_file(tmp_path / "started", command)
    with Engine(db) as engine:
        engine.cancel(started.id)
    command.process.send_signal(signal.SIGTERM)
    command.wait_for_line("stopping: waiting for")
    command.process.send_signal(signal.SIGTERM)
    code, errors = command.finish()
    assert code == 130, errors
    assert "'crunch': its task was cancelled while it ran: nothing runs it again" in errors
    assert "runs 'crunch' again" not in errors
    assert "takes it up once its lease lapses" not in errors



def test_a_run_killed_in_its_work_has_said_its_instance_on_stdout(setup: tuple[Path, str]) -> None:
    """The run's first line, `crunching v1 — ID`, is written (and reaches a pipe) as the instance starts: a run
    interrupted or killed in its work has named the instance its caller must look at. It was printed with the
    transitions at the end, so a script reading the run's output through a pipe got nothing from a killed run."""
    tmp_path, db = setup
    command = _start_run(tmp_path, db, _flow())
    command.process.kill()  # kill -9: no handler of the run's own runs
    command.process.wait(timeout=BOUND_S)
    assert command.process.stdout is not None
    first = command.process.stdout.readline().strip()
    with Engine(db) as engine:
        (instance,) = engine.list_instances()
    assert first == f"crunching v1 — {instance.id}"
