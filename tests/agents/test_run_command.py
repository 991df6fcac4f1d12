"""`statewright run FILE --example NAME --db URL` through the installed console script, with the shipped handlers
(loaded by the CLI from agents.handlers:register), and the database check of handlers on a bare registry."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from agents.handlers import register, shipped_definitions
from agents.tools import Sandbox
from definitions import WORKFLOWS_DIR
from engine import Engine, HandlerRegistry, ManualClock
from storage.database import create_database_engine

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))
LEAD_QUALIFICATION = str(WORKFLOWS_DIR / "lead_qualification.json")
BOOKED_PATH = ["extract", "check_duplicate", "duplicate_gate", "score", "route", "book_meeting", "record_in_crm",
               "outcome_gate", "publish_qualified", "qualified"]


def _statewright(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    # The CLI hands the handlers its registry, not its engine: they find the database through the environment.
    env = {**os.environ, "STATEWRIGHT_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run([STATEWRIGHT, "run", LEAD_QUALIFICATION, "--db", url, *args], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300, check=False)


def test_run_prints_the_transitions_and_exits_0(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    result = _statewright(tmp_path, url, "--example", "vp_at_acme_books_meeting")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for state in BOOKED_PATH[1:]:
        assert any(f" {state} " in line for line in lines), state
    assert lines[-1].strip() == "qualified (succeeded)"


def test_run_in_json_follows_the_booking_path_and_leaves_its_effects(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    result = _statewright(tmp_path, url, "--example", "vp_at_acme_books_meeting", "--format", "json")
    assert result.returncode == 0, result.stderr
    run = json.loads(result.stdout)
    assert [h["to_state"] for h in run["history"]] == BOOKED_PATH
    database = create_database_engine(url)
    try:
        sandbox = Sandbox.open(database, seed=False)
        meeting = run["instance"]["result"]["meeting_id"]
        assert [e["id"] for e in sandbox.calendar.search_events(attendee_email="john.doe@acme.com")["events"]] == [
            meeting]
        assert sandbox.crm.search_contacts(email="john.doe@acme.com")["matches"][0]["status"] == "qualified"
    finally:
        database.dispose()


def test_a_run_from_a_context_reports_why_the_lead_was_invalid(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    result = _statewright(tmp_path, url, "--context", json.dumps({"email": "x", "source": "chat", "raw_message": "hi"}))
    assert result.returncode == 1, result.stderr  # the instance failed: a script must see it
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "extract: failed (validation): 'x' is not a valid email address" in lines
    assert "invalid (failed)" in lines


def test_run_exits_3_while_the_instance_waits(tmp_path: Path) -> None:
    flow = {"id": "waits_for_payment", "version": 1, "title": "Waits for payment", "initial": "wait_payment",
            "states": {"wait_payment": {"type": "wait", "event": {"type": "paid"}}, "done": {"type": "final"}},
            "transitions": [{"source": "wait_payment", "trigger": "done", "dest": "done"}]}
    file = tmp_path / "waits_for_payment.json"
    file.write_text(json.dumps(flow))
    url = f"sqlite:///{tmp_path / 'run.db'}"
    result = subprocess.run([STATEWRIGHT, "run", str(file), "--db", url], capture_output=True, text=True,
                            cwd=tmp_path, timeout=300, check=False)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "wait_payment (running)" in result.stdout


@pytest.mark.parametrize("same_database", [True, False])
def test_handlers_on_a_bare_registry_refuse_another_engines_instances(tmp_path: Path, same_database: bool) -> None:
    engine_url = f"sqlite:///{tmp_path / 'engine.db'}"
    handlers_url = engine_url if same_database else f"sqlite:///{tmp_path / 'elsewhere.db'}"
    registry = HandlerRegistry()
    register(registry, database_url=handlers_url)
    with Engine(engine_url, handlers=registry, clock=ManualClock(), rng=random.Random(1)) as engine:
        workflows, agents = shipped_definitions()
        for agent in agents.values():  # deploy refuses a task naming an agent that is not deployed
            engine.deploy_agent(agent)
        engine.deploy(workflows["lead_qualification"])
        view = engine.start("lead_qualification", {"email": "ann@example.com", "source": "chat", "raw_message": "hi"})
        engine.run_until_idle()
        ended = engine.get(view.id)
    if same_database:
        assert ended.state == "unqualified"
    else:
        assert (ended.state, ended.result["error_kind"]) == ("failed", "misconfigured")
        assert "register them on the engine itself" in ended.result["error"]
