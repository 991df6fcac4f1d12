"""After `approve`, `reject` or `send` moves an instance on, the command says what it waits for now and which
command carries it on — as `run` and `redrive` do — instead of leaving a user looking at `running`, not knowing
that a worker must run what comes next."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import output
from engine.cli.app import build_app
from engine.runtime.engine import Engine

FLOW = {
    "id": "ship_order", "title": "Ship an order", "initial": "sign_off", "context": {"type": "object"},
    "states": {"sign_off": {"type": "approval", "approvers": {"roles": ["ops"]}},
               "packed": {"type": "wait", "duration": "P1D"},
               "ship": {"type": "task", "action": "ship", "output": "shipment"},
               "shipped": {"type": "final"}, "refused": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "sign_off", "trigger": "approve", "dest": "packed"},
                    {"source": "sign_off", "trigger": "reject", "dest": "refused"},
                    {"source": "packed", "trigger": "done", "dest": "ship"},
                    {"source": "packed", "trigger": "expedite", "dest": "ship"},
                    {"source": "ship", "trigger": "done", "dest": "shipped"},
                    {"source": "ship", "trigger": "error", "dest": "refused"}],
}


@pytest.fixture
def waiting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.setattr(output.stdout, "_width", 400)
    url = f"sqlite:///{tmp_path / 'next.db'}"
    with Engine(url) as engine:  # no handler here: the worker that has `ship` runs it
        engine.deploy(FLOW)
        return url, engine.start("ship_order", {}).id


def _said(*argv: str) -> str:
    done = CliRunner().invoke(build_app(argv[0]), list(argv))
    assert done.exit_code == 0, done.output
    return " ".join(done.output.split())


def test_an_approval_then_an_event_each_say_what_the_instance_waits_for_next(waiting: tuple[str, str]) -> None:
    url, instance = waiting
    approved = _said("approve", instance, "--actor", "ann", "--role", "ops", "--db", url)
    # `ship` is no shipped flow's action: a plain worker would fail it with unknown_action, so the worker named
    # is one with the user's handlers, saying why
    assert (f"{instance} waits in 'packed' for a timer ('done' due in 24 h): `statewright worker --handlers "
            f"MODULE:FUNCTION --db {url}` fires it when it is due ('ship' is your own action") in approved
    sent = _said("send", instance, "expedite", "--db", url)
    assert (f"{instance} waits in 'ship' for a worker to run 'ship': `statewright worker --handlers MODULE:FUNCTION "
            f"--db {url}` carries it on ('ship' is your own action: a worker without your handlers fails it with "
            "unknown_action; MODULE:FUNCTION names the function that registers them, as `run --handlers` takes "
            "it)") in sent


def test_a_decision_that_ends_the_instance_says_nothing_more(waiting: tuple[str, str]) -> None:
    url, instance = waiting
    rejected = _said("reject", instance, "--actor", "ann", "--role", "ops", "--db", url)
    assert "waits in" not in rejected
