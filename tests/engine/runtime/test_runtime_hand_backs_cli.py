"""`statewright worker` processes of one database with different handlers: the one without a task's handler,
started first, hands the job back (its default grace window), and the one started beside it with the handler runs
it — the deployment `statewright serve` beside `statewright worker --handlers app:register` makes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from engine.cli.runtime_commands import register_runtime_commands
from engine.runtime.engine import Engine
from engine.runtime.hand_backs import MARK
from storage.jobs import JobStore

ROOT = Path(__file__).resolve().parents[3]
TASKED: dict[str, Any] = {
    "id": "tasked", "title": "Tasked", "initial": "work",
    "states": {"work": {"type": "task", "action": "do_work", "output": "out"},
               "ok": {"type": "final"}, "bad": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "ok"},
                    {"source": "work", "trigger": "error", "dest": "bad"}],
}


def _worker(database_url: str, handlers: str, folder: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}"}
    return subprocess.Popen(
        [sys.executable, "-m", "designer.cli", "worker", "--db", database_url, "--handlers", handlers,
         "--poll", "0.1", "--heartbeat-s", "0.5"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stopped(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=20)
    assert process.returncode == 0, errors
    assert "Traceback" not in errors
    return errors


def test_a_worker_process_without_the_handler_leaves_the_job_to_the_one_with_it(tmp_path: Path,
                                                                               database_url: str) -> None:
    (tmp_path / "none_here.py").write_text("def register(registry):\n    pass\n")
    (tmp_path / "work_here.py").write_text(
        "def register(registry):\n    registry.register('do_work', lambda request: 'from the capable worker')\n")
    with Engine(database_url) as engine:  # no handlers: the actions are not checked, they run elsewhere
        engine.deploy(TASKED)
        run = engine.start("tasked")
    lacking = _worker(database_url, "none_here:register", tmp_path)
    capable = None
    try:
        with Engine(database_url) as engine:
            deadline = time.monotonic() + 90  # a bound, not a measure: a loaded machine starts Python slowly
            while time.monotonic() < deadline:
                (job,) = engine.runtime.read(lambda tx: JobStore(tx).for_instance(run.id))
                if MARK in job.payload:
                    break
                time.sleep(0.05)
            assert MARK in job.payload, "the worker without the handler never handed the job back"
            assert engine.get(run.id).status == "running"
            capable = _worker(database_url, "work_here:register", tmp_path)
            while not engine.get(run.id).ended and time.monotonic() < deadline:
                time.sleep(0.05)
            done = engine.get(run.id)
            assert (done.state, done.context) == ("ok", {"out": "from the capable worker"})
    finally:
        said = _stopped(lacking)
        if capable is not None:
            _stopped(capable)
    assert "the action 'do_work': its jobs are handed back" in said  # its one warning line


def test_the_worker_command_documents_its_handler_grace() -> None:
    app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    register_runtime_commands(app)
    result = CliRunner().invoke(app, ["worker", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "--handler-grace-s" in result.output
    assert "unknown_action" in result.output
    assert "60" in result.output  # the default
