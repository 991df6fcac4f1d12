"""Every text listing shows instance ids whole, on one line, however narrow the console — 80 columns, or a pipe
(which Rich gives 80 columns). Every follow-up command (show, history, approve, redrive, cancel) needs the whole
id, and the listings showed `01a24b…` (`instances`) or an id folded over two lines (`approvals`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.runtime.engine import Engine

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))

REVIEW: dict[str, Any] = {
    "id": "expense_claim_with_a_long_name", "title": "Expense", "initial": "review",
    "context": {"type": "object", "properties": {"note": {"type": "string"}}},
    "states": {"review": {"type": "approval", "approvers": {"roles": ["manager"]}},
               "paid": {"type": "final"}, "refused": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "review", "trigger": "approve", "dest": "paid"},
                    {"source": "review", "trigger": "reject", "dest": "refused"}],
}
PARENT: dict[str, Any] = {
    "id": "order_fulfilment_process", "title": "Order", "initial": "ship",
    "states": {"ship": {"type": "subflow", "workflow": "shipping_and_delivery"}, "shipped": {"type": "final"},
               "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "ship", "trigger": "done", "dest": "shipped"},
                    {"source": "ship", "trigger": "error", "dest": "failed"}],
}
CHILD: dict[str, Any] = {
    "id": "shipping_and_delivery", "title": "Shipping", "initial": "book",
    "states": {"book": {"type": "wait", "duration": "PT1H"}, "booked": {"type": "final"}},
    "transitions": [{"source": "book", "trigger": "done", "dest": "booked"}],
}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """Instances waiting for approvals (of a version 2 is deployed beside) and an order running a subflow."""
    url = f"sqlite:///{tmp_path_factory.mktemp('ids') / 'ids.db'}"
    with Engine(url) as engine:
        engine.deploy(REVIEW)
        engine.deploy(CHILD)
        engine.deploy(PARENT)
        started = [engine.start(REVIEW["id"], {"note": "a long note " * 8}).id for _ in range(3)]
        started.append(engine.start(PARENT["id"]).id)
        engine.run_until_idle()
        engine.deploy({**REVIEW, "version": 2, "title": "Expense, v2"})
        started += [v.id for v in engine.list_instances(parent_id=started[-1])]
    return url, started


def _statewright(*args: str, columns: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = columns
    done = subprocess.run([STATEWRIGHT, *args], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.mark.parametrize("columns", ["80", None], ids=["80 columns", "piped"])
@pytest.mark.parametrize("command", ["instances", "approvals", "migrate", "history", "show"])
def test_a_listing_shows_every_id_whole_on_one_line(database: tuple[str, list[str]], command: str,
                                                    columns: str | None) -> None:
    url, ids = database
    args = {"instances": ["instances"], "approvals": ["approvals"],
            "migrate": ["migrate", REVIEW["id"], "--from", "1", "--to", "2"],
            "history": ["history", ids[0]], "show": ["show", ids[-1]]}[command]
    listed = _statewright(*args, "--db", url, columns=columns)
    shown = {"instances": ids, "approvals": ids[:3], "migrate": ids[:3], "history": ids[:1],
             "show": [ids[-1], ids[3]]}[command]  # `show` of the child: its id and its parent's
    for instance_id in shown:
        assert instance_id in listed, listed
    assert not re.search(r"\b[0-9a-f]{4,31}…", listed), listed  # no id cut short, even one not asked about
