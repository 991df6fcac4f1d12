"""`statewright worker --log-format json`: every line the worker writes is one JSON record — also a refusal to
start (`fail`: a database folder that does not exist, handlers that cannot be loaded), the line it says when it is
asked to stop, and what it abandons on a second signal. Those were plain text between the records, so a log
collector reading one JSON object a line dropped the very lines saying why a worker exited. `--log-format`'s help
names the `request_id` each record carries."""

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
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.engine import Engine

BOUND_S = 120  # how long a step may take on a loaded machine before the test gives up (not a measurement)

HANDLERS = '''
import os, time
from pathlib import Path

def crunch(request):
    Path(os.environ["CRUNCH_STARTED"]).write_text("started")
    while True:  # hangs, as a handler without a timeout may: only a second signal ends the worker
        time.sleep(0.05)

def register(engine):
    engine.register("crunch", crunch)
'''
FLOW: dict[str, Any] = {
    "id": "crunching", "title": "Crunching", "initial": "crunch",
    "states": {"crunch": {"type": "task", "action": "crunch"}, "done": {"type": "final"}},
    "transitions": [{"source": "crunch", "trigger": "done", "dest": "done"}],
}


class _Worker:
    """`statewright worker --log-format json …` as a process, its stderr read line by line as it comes."""

    def __init__(self, folder: Path, *args: str) -> None:
        path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path, "COLUMNS": "400", "CRUNCH_STARTED": str(folder / "started")}
        self.process = subprocess.Popen([sys.executable, "-m", "designer.cli", "worker", "--log-format", "json",
                                         "--poll", "0.1", *args],
                                        cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line)
        self.lines.put("")  # the end

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + BOUND_S
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line or not line:
                return
        pytest.fail(f"no line with {text!r}; stderr so far: {''.join(self.seen)}")

    def finish(self) -> tuple[int, list[dict[str, Any]]]:
        """The exit code and every line of stderr, each read as the JSON object it must be."""
        try:
            code = self.process.wait(timeout=BOUND_S)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        while (line := self.lines.get(timeout=BOUND_S)) != "":
            self.seen.append(line)
        assert self.process.stdout is not None
        assert self.process.stdout.read() == ""
        return code, _records("".join(self.seen))


def _records(stderr: str) -> list[dict[str, Any]]:
    records = []
    for line in stderr.splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            raise AssertionError(f"a line that is no JSON: {line!r}\n{stderr}") from None
        assert isinstance(records[-1], dict), line
    return records


def _said(records: list[dict[str, Any]], start: str) -> dict[str, Any]:
    found = [record for record in records if record["message"].startswith(start)]
    assert len(found) == 1, (start, records)
    return found[0]


@pytest.mark.parametrize(("args", "code", "reason"), [
    (["--db", "sqlite:///no/such/folder/work.db"], 1, "cannot open the database sqlite:///no/such/folder/work.db"),
    (["--handlers", "no_such_module_here:register"], 2, "cannot load the handlers 'no_such_module_here:register'"),
], ids=["missing folder", "unloadable handlers"])
def test_a_refusal_to_start_is_one_error_record(tmp_path: Path, args: list[str], code: int, reason: str) -> None:
    exited, records = _Worker(tmp_path, *args).finish()
    assert exited == code
    refusal = _said(records, reason)
    assert (refusal["level"], refusal["logger"]) == ("error", "statewright.cli")


def test_stopping_is_a_record_and_so_is_what_a_second_signal_abandons(tmp_path: Path) -> None:
    (tmp_path / "crunch_handlers.py").write_text(HANDLERS, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'work.db'}"
    with Engine(db) as engine:
        engine.deploy(FLOW)
        started = engine.start("crunching")
    worker = _Worker(tmp_path, "--handlers", "crunch_handlers:register", "--db", db)
    deadline = time.monotonic() + BOUND_S
    while not (tmp_path / "started").exists():
        assert worker.process.poll() is None, worker.finish()
        assert time.monotonic() < deadline, "the handler never started"
        time.sleep(0.05)
    worker.process.send_signal(signal.SIGTERM)
    worker.wait_for("stopping: waiting for")
    worker.process.send_signal(signal.SIGTERM)
    code, records = worker.finish()
    assert code == 130
    assert _said(records, "worker on ")["logger"] == "statewright.worker"
    stopping = _said(records, "stopping: waiting for the action 'crunch'")
    assert (stopping["level"], stopping["logger"]) == ("info", "statewright.worker")
    assert "Press Ctrl-C (or send SIGTERM) again to abandon it" in stopping["message"]
    abandoned = _said(records, f"abandoned the action 'crunch' in 'crunch' (attempt 1, instance {started.id})")
    assert abandoned["level"] == "warning"
    assert "'crunch': the worker records it as lost and runs 'crunch' again as attempt 2" in abandoned["message"]


def test_a_worker_stopped_while_idle_says_so_in_a_record(tmp_path: Path) -> None:
    worker = _Worker(tmp_path, "--db", f"sqlite:///{tmp_path / 'idle.db'}")
    worker.wait_for("worker on ")
    worker.process.send_signal(signal.SIGTERM)
    code, records = worker.finish()
    assert code == 0
    stopping = _said(records, "stopping: the actions running now finish first, then the worker exits")
    assert stopping["logger"] == "statewright.worker"


def test_the_help_of_log_format_names_the_request_id() -> None:
    done = CliRunner().invoke(build_app("worker"), ["worker", "--help"], env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.replace("│", " ").split())
    assert "instance_id, trace_id, request_id: under serve, the id of the HTTP request" in said
