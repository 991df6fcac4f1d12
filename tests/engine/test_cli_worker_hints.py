"""The worker a hint names can run the instance's actions. `statewright approve ID … --db sqlite:///cli.db` said
"`statewright worker --db sqlite:///cli.db` carries it on" for an action of the user's own: followed as written,
that worker has no handler for it and fails the instance with `unknown_action`. Now the hint names the handlers
the command was given (`run --handlers app:register`), or asks for the user's own with `--handlers
MODULE:FUNCTION`, saying why; an action of the shipped flows keeps the plain worker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli import output
from engine.cli.app import build_app
from engine.cli.worker_hints import shipped_actions
from engine.runtime.engine import Engine

SCRIPT = Path(sys.executable).parent / "statewright"


def _refund(action: str) -> dict[str, Any]:
    """An approval, then a task running `action`: approving it leaves the task's job for a worker."""
    return {
        "id": "refund", "title": "Refund", "initial": "review",
        "states": {"review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "PT48H"},
                   "refund_payment": {"type": "task", "action": action},
                   "paid": {"type": "final"}, "refused": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "review", "trigger": "approve", "dest": "refund_payment"},
                        {"source": "review", "trigger": "reject", "dest": "refused"},
                        {"source": "review", "trigger": "timeout", "dest": "refused"},
                        {"source": "refund_payment", "trigger": "done", "dest": "paid"},
                        {"source": "refund_payment", "trigger": "error", "dest": "refused"}],
    }


def _approve_waiting(tmp_path: Path, action: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """What `approve` prints of an instance of `_refund(action)` approved from the command line."""
    monkeypatch.setattr(output.stdout, "_width", 400)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with Engine(url) as engine:
        engine.deploy(_refund(action))
        instance = engine.start("refund", {}).id
    done = CliRunner().invoke(build_app("approve"),
                              ["approve", instance, "--actor", "mo", "--role", "manager", "--db", url])
    assert done.exit_code == 0, done.output
    return instance, " ".join(done.output.split())


def test_approve_asks_for_your_handlers_for_an_action_of_your_own(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    instance, said = _approve_waiting(tmp_path, "refund_payment", monkeypatch)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert (f"{instance} waits in 'refund_payment' for a worker to run 'refund_payment': `statewright worker "
            f"--handlers MODULE:FUNCTION --db {url}` carries it on ('refund_payment' is your own action: a worker "
            "without your handlers fails it with unknown_action; MODULE:FUNCTION names the function that registers "
            "them, as `run --handlers` takes it)") in said


def test_approve_keeps_the_plain_worker_for_an_action_of_the_shipped_flows(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = sorted(shipped_actions())[0]
    instance, said = _approve_waiting(tmp_path, shipped, monkeypatch)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert (f"{instance} waits in 'refund_payment' for a worker to run '{shipped}': `statewright worker --db {url}` "
            "carries it on") in said
    assert "MODULE:FUNCTION" not in said


def test_run_with_your_handlers_names_a_worker_with_the_same_handlers(tmp_path: Path) -> None:
    """`run … --handlers payhandlers:register` leaves the instance in a day-long wait before its task: the worker it
    names is given the same handlers, as the user wrote them."""
    flow = _refund("refund_payment")
    flow["states"]["review"] = {"type": "wait", "duration": "P1D"}
    flow["transitions"] = [{"source": "review", "trigger": "done", "dest": "refund_payment"},
                           *flow["transitions"][3:]]
    (tmp_path / "refund.json").write_text(json.dumps(flow), encoding="utf-8")
    (tmp_path / "payhandlers.py").write_text(
        "def register(engine):\n    engine.register('refund_payment', lambda request: {'paid': True})\n",
        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([str(SCRIPT), "run", "refund.json", "--handlers", "payhandlers:register", "--db",
                           "sqlite:///cli.db", "--max-wait", "0"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False, env={**env, "COLUMNS": "400", "NO_COLOR": "1"})
    assert done.returncode == 3, done.stdout + done.stderr
    said = " ".join(done.stdout.split())
    assert ("for a timer ('done' due in 24 h, past --max-wait 0 s): `statewright worker --handlers "
            "payhandlers:register --db sqlite:///cli.db` fires it when it is due") in said
    assert "MODULE:FUNCTION" not in said


def test_a_parent_waiting_for_its_subflow_asks_for_the_handlers_the_child_needs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Approved, the parent starts a subflow whose task runs an action of the user's own: the parent waits for its
    child, and the worker that carries the child on needs that handler. The hint named a plain worker (it counted
    the parent's own actions only: none), which fails the child's task with unknown_action."""
    monkeypatch.setattr(output.stdout, "_width", 400)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    child = {"id": "pay", "title": "Pay", "initial": "charge",
             "states": {"charge": {"type": "task", "action": "charge_card"}, "paid": {"type": "final"},
                        "unpaid": {"type": "final", "outcome": "failure"}},
             "transitions": [{"source": "charge", "trigger": "done", "dest": "paid"},
                             {"source": "charge", "trigger": "error", "dest": "unpaid"}]}
    parent = _refund("unused")
    parent["states"]["refund_payment"] = {"type": "subflow", "workflow": "pay"}
    with Engine(url) as engine:
        engine.deploy(child)
        engine.deploy(parent)
        instance = engine.start("refund", {}).id
    done = CliRunner().invoke(build_app("approve"),
                              ["approve", instance, "--actor", "mo", "--role", "manager", "--db", url])
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert f"{instance} waits in 'refund_payment' for its children" in said
    assert (f"`statewright worker --handlers MODULE:FUNCTION --db {url}` carries them on ('charge_card' is your own "
            "action") in said
