"""The runtime commands: run, instances, show, history, send, approvals, approve/reject, replay, db upgrade,
worker — `--db` everywhere, `--format json` on records, clear messages and exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from engine.cli.runtime_commands import register_runtime_commands
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.lost_attempts import LOST_ATTEMPTS_WITHOUT_RETRY

FLOW: dict[str, Any] = {
    "id": "expense", "version": 1, "title": "Expense",
    "context": {"type": "object", "properties": {"amount": {"type": "number"}}, "required": ["amount"]},
    "initial": "route",
    "states": {
        "route": {"type": "choice"},
        "review": {"type": "approval", "approvers": {"roles": ["manager"]}},
        "paid": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "route", "dest": "review", "guard": "amount > 100", "priority": 1},
        {"source": "route", "dest": "paid"},
        {"source": "review", "trigger": "approve", "dest": "paid"},
        {"source": "review", "trigger": "reject", "dest": "refused"},
        {"source": "review", "trigger": "withdraw", "dest": "refused"},
    ],
    "examples": [
        {"name": "small", "context": {"amount": 20}, "expect_state": "paid"},
        {"name": "big_approved", "context": {"amount": 500},
         "events": [{"event": "approve", "actor": "maria"}], "expect_state": "paid"},
        {"name": "wrong_expectation", "context": {"amount": 500}, "expect_state": "paid"},
    ],
}
TASKED: dict[str, Any] = {
    "id": "tasked", "title": "Tasked", "initial": "work",
    "states": {"work": {"type": "task", "action": "do_work", "output": "out"},
               "ok": {"type": "final"}, "bad": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "ok"},
                    {"source": "work", "trigger": "error", "dest": "bad"}],
}


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    register_runtime_commands(app)
    return app


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    path = tmp_path / "expense.json"
    path.write_text(json.dumps(FLOW))
    return path


@pytest.fixture(autouse=True)
def _handler_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Handler modules of the tests' own, so no test depends on the shipped handlers."""
    (tmp_path / "empty_handlers.py").write_text("def register(registry):\n    pass\n")
    (tmp_path / "my_handlers.py").write_text(
        "def register(registry):\n    registry.register('do_work', lambda request: {'n': 7})\n")
    monkeypatch.syspath_prepend(str(tmp_path))


def _run(cli: typer.Typer, *args: str | Path) -> Any:
    if args[0] == "run" and "--handlers" not in args:
        args = (*args, "--handlers", "empty_handlers:register")
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_run_an_example_to_its_end_and_as_json(cli: typer.Typer, flow_file: Path, database_url: str) -> None:
    result = _run(cli, "run", flow_file, "--example", "small", "--db", database_url)
    assert result.exit_code == 0, result.output
    assert "(start)" in result.output
    assert "paid" in result.output
    result = _run(cli, "run", flow_file, "--example", "big_approved", "--db", database_url, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["instance"]["state"] == "paid"
    assert [h["event"] for h in data["history"]] == ["(start)", "(auto)", "approve"]
    assert data["history"][-1]["actor"] == "maria"


def test_run_stops_at_the_first_wait_and_the_commands_carry_on(cli: typer.Typer, flow_file: Path,
                                                               database_url: str) -> None:
    result = _run(cli, "run", flow_file, "--context", '{"amount": 900}', "--db", database_url, "--format", "json")
    assert result.exit_code == 3, result.output  # it has not ended: it waits for a person
    instance = json.loads(result.stdout)["instance"]
    assert (instance["state"], instance["status"]) == ("review", "running")
    ident = instance["id"]
    listed = json.loads(_run(cli, "instances", "--db", database_url, "--format", "json").stdout)
    assert [i["id"] for i in listed] == [ident]
    pending = json.loads(_run(cli, "approvals", "--role", "manager", "--db", database_url, "--format", "json").stdout)
    assert [a["instance_id"] for a in pending] == [ident]
    refused = _run(cli, "approve", ident, "--actor", "eve", "--db", database_url)
    assert refused.exit_code == 1
    assert "may not decide" in refused.output
    approved = _run(cli, "approve", ident, "--actor", "max", "--role", "manager", "--db", database_url,
                    "--format", "json")
    assert json.loads(approved.stdout)["state"] == "paid"
    history = json.loads(_run(cli, "history", ident, "--db", database_url, "--format", "json").stdout)
    assert [h["seq"] for h in history] == [1, 2, 3]
    shown = _run(cli, "show", ident, "--db", database_url)
    assert "paid" in shown.output
    replayed = _run(cli, "replay", ident, "--db", database_url, "--format", "json")
    assert replayed.exit_code == 0
    assert json.loads(replayed.stdout)["matches"] is True


def test_send_and_reject(cli: typer.Typer, flow_file: Path, database_url: str) -> None:
    ident = json.loads(_run(cli, "run", flow_file, "--context", '{"amount": 900}', "--db", database_url,
                            "--format", "json").stdout)["instance"]["id"]
    wrong = _run(cli, "send", ident, "nonsense", "--db", database_url)
    assert wrong.exit_code == 1
    assert "not allowed" in wrong.output
    bad_json = _run(cli, "send", ident, "withdraw", "--payload", "{oops", "--db", database_url)
    assert bad_json.exit_code == 2
    assert "not valid JSON" in bad_json.output
    sent = _run(cli, "send", ident, "withdraw", "--payload", '{"why": "duplicate"}', "--db", database_url,
                "--format", "json")
    assert sent.exit_code == 0
    assert json.loads(sent.stdout)["state"] == "refused"
    second = json.loads(_run(cli, "run", flow_file, "--context", '{"amount": 900}', "--db", database_url,
                             "--format", "json").stdout)["instance"]["id"]
    rejected = _run(cli, "reject", second, "--actor", "max", "--role", "manager", "--comment", "no",
                    "--db", database_url, "--format", "json")
    assert json.loads(rejected.stdout)["state"] == "refused"


def test_bad_input_gives_a_message_and_an_exit_code(cli: typer.Typer, flow_file: Path, tmp_path: Path,
                                                    database_url: str) -> None:
    missing = _run(cli, "run", tmp_path / "nope.json", "--db", database_url)
    assert missing.exit_code == 2
    assert "no such file" in missing.output
    unknown = _run(cli, "run", flow_file, "--example", "nope", "--db", database_url)
    assert unknown.exit_code == 1
    assert "has no example 'nope'" in unknown.output
    mismatch = _run(cli, "run", flow_file, "--example", "wrong_expectation", "--db", database_url)
    assert mismatch.exit_code == 1
    assert "expects the state 'paid'" in mismatch.output
    invalid_context = _run(cli, "run", flow_file, "--context", "{}", "--db", database_url)
    assert invalid_context.exit_code == 1
    assert "required property" in invalid_context.output
    no_db = _run(cli, "instances", "--db", "mysql://nobody@nowhere/x")
    assert no_db.exit_code == 2
    assert "unsupported database" in no_db.output
    no_instance = _run(cli, "show", "ghost", "--db", database_url)
    assert no_instance.exit_code == 1
    assert "no instance 'ghost'" in no_instance.output


def test_a_task_without_its_handler_names_the_missing_handler(cli: typer.Typer, tmp_path: Path,
                                                              database_url: str) -> None:
    path = tmp_path / "tasked.json"
    path.write_text(json.dumps(TASKED))
    result = _run(cli, "run", path, "--db", database_url, "--handlers", "no_such_module_here:register")
    assert result.exit_code == 2  # handlers the command line names that cannot be loaded: a wrong command line
    assert "no module named 'no_such_module_here'" in result.output
    result = _run(cli, "run", path, "--db", database_url)
    assert result.exit_code == 1  # the instance failed
    assert "no handler is registered for the action 'do_work'" in result.output


def test_run_loads_handlers_from_a_module(cli: typer.Typer, tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "tasked.json"
    path.write_text(json.dumps(TASKED))
    result = _run(cli, "run", path, "--db", database_url, "--handlers", "my_handlers:register", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["instance"]["context"] == {"out": {"n": 7}}


def test_instances_lists_the_stuck_ones_and_refuses_an_unknown_status(cli: typer.Typer, database_url: str) -> None:
    clock = ManualClock(datetime.now(UTC))
    with Engine(database_url, clock=clock) as engine:
        work_only = {k: v for k, v in TASKED["states"].items() if k != "bad"}
        engine.deploy({**TASKED, "states": work_only, "transitions": TASKED["transitions"][:1]})  # no error path
        stranded, running = engine.start("tasked"), engine.start("tasked")
        for n in range(LOST_ATTEMPTS_WITHOUT_RETRY):  # each worker takes the oldest job and dies with it
            engine.worker(owner=f"dying-{n}").claim(limit=1)
            clock.advance(engine.runtime.lease_s + 1)
        last = engine.worker(owner="last")
        last.execute(last.claim(limit=1))  # the stranded job again, out of attempts
        assert (engine.get(stranded.id).status, engine.get(running.id).status) == ("stuck", "running")
    listed = _run(cli, "instances", "--status", "stuck", "--db", database_url, "--format", "json")
    assert [i["id"] for i in json.loads(listed.stdout)] == [stranded.id]
    table = _run(cli, "instances", "--status", "stuck", "--db", database_url)
    assert "stuck" in table.output
    assert stranded.id in table.output
    assert running.id not in table.output  # ("running" itself is in the stuck one's error: its worker was running)
    unknown = _run(cli, "instances", "--status", "sleeping", "--db", database_url)
    assert unknown.exit_code == 2
    assert "unknown status 'sleeping'" in unknown.output


def test_instances_lists_the_children_of_a_parent(cli: typer.Typer, database_url: str) -> None:
    """A map's items are listed under their parent (the CLI is the operator's view: the engine's own children
    too), and no other instance is."""
    with Engine(database_url) as engine:
        engine.deploy(TASKED)
        mapping = {"id": "fan_out", "title": "Fan out", "initial": "each",
                   "states": {"each": {"type": "map", "items": "jobs", "workflow": "tasked"}, "end": {"type": "final"}},
                   "transitions": [{"source": "each", "trigger": "done", "dest": "end"}]}
        engine.deploy(mapping)
        parent = engine.start("fan_out", {"jobs": [1, 2]})
        engine.start("fan_out", {"jobs": [3]})  # another map, whose item is not listed
        every_item = engine.list_instances(workflow_id="tasked")
        items = {v.id for v in every_item if v.parent_id == parent.id}
    assert (len(every_item), len(items)) == (3, 2)
    listed = _run(cli, "instances", "--parent", parent.id, "--db", database_url, "--format", "json")
    assert listed.exit_code == 0, listed.output
    assert {i["id"] for i in json.loads(listed.stdout)} == items


def test_db_upgrade_creates_the_schema(cli: typer.Typer, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = _run(cli, "db", "upgrade", "--db", url)
    assert result.exit_code == 0
    assert "is at revision" in result.output
    with Engine(url, migrate=False) as engine:
        assert engine.list_instances() == []


def test_a_worker_process_runs_jobs_until_terminated(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "proc_handlers.py").write_text(
        "def register(registry):\n    registry.register('do_work', lambda request: 'from the worker process')\n")
    with Engine(database_url) as engine:
        engine.deploy(TASKED)
        run = engine.start("tasked")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{Path(__file__).resolve().parents[3]}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "designer.cli", "worker", "--db", database_url, "--handlers", "proc_handlers:register",
         "--poll", "0.1", "--heartbeat-s", "0.5"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with Engine(database_url) as engine:
            deadline = time.monotonic() + 90  # a bound, not a measure: a loaded machine starts Python slowly
            while not engine.get(run.id).ended and time.monotonic() < deadline:
                time.sleep(0.05)
            assert engine.get(run.id).context == {"out": "from the worker process"}
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=20)
    assert process.returncode == 0, errors
    assert "Traceback" not in errors


def test_run_that_stops_before_a_retry_says_the_retry_is_pending(cli: typer.Typer, tmp_path: Path,
                                                                   database_url: str) -> None:
    """Exit 3 with only 'work (running)' left a user guessing: the line says a retry waits, and who runs it."""
    (tmp_path / "failing_handlers.py").write_text(
        "from engine.runtime.actions import ActionError\n"
        "def fail(request):\n    raise ActionError('timeout', 'too slow')\n"
        "def register(registry):\n    registry.register('do_work', fail)\n")
    flow = json.loads(json.dumps(TASKED))
    flow["states"]["work"]["retry"] = [{"errors": ["timeout"], "max_attempts": 3, "initial_interval_s": 600}]
    path = tmp_path / "retried.json"
    path.write_text(json.dumps(flow))
    result = _run(cli, "run", path, "--db", database_url, "--handlers", "failing_handlers:register",
                  "--max-wait", "0")
    assert result.exit_code == 3, result.output
    assert "work (running)" in result.output
    assert "attempt 2 of 'do_work' is due in " in result.output
    assert "statewright worker" in result.output
