"""`statewright approvals` where many approvals wait: the engine answers the oldest 200, and the table used to end
there as though that were all of them. Now it says it may not be; and `replay` of a long history counts its
transitions as '20,001', not '20001'."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.cli.runtime_commands import APPROVALS_AT_MOST
from engine.runtime.engine import Engine

DESK: dict[str, Any] = {
    "id": "desk", "title": "A desk", "initial": "review",
    "states": {"review": {"type": "approval", "approvers": {"roles": ["staff"]}},
               "done": {"type": "final"}},
    "transitions": [{"source": "review", "trigger": "approve", "dest": "done"},
                    {"source": "review", "trigger": "reject", "dest": "done"},
                    {"source": "review", "trigger": "note", "dest": "review"}],
}


pytestmark = pytest.mark.usefixtures("wide_tables")


def _cli(command: str, *args: str) -> Any:
    return CliRunner().invoke(build_app(command), [command, *args], env={"COLUMNS": "300"})


def _waiting(database_url: str, count: int) -> list[str]:
    with Engine(database_url) as engine:
        engine.deploy(DESK)
        return [engine.start("desk", {}).id for _ in range(count)]


def test_a_full_list_of_approvals_says_there_may_be_more(database_url: str) -> None:
    started = _waiting(database_url, APPROVALS_AT_MOST + 1)

    done = _cli("approvals", "--db", database_url)

    assert done.exit_code == 0, done.output
    rows = [line for line in done.output.splitlines() if line.startswith("│ ")]
    assert len(rows) == APPROVALS_AT_MOST
    assert started[0] in rows[0]  # the oldest first
    assert done.output.rstrip().splitlines()[-1] == (
        "the oldest 200 pending approvals shown, the most the engine lists: there may be more (--user, --role or "
        "--tenant narrow the list)")


def test_a_short_list_of_approvals_has_no_note(database_url: str) -> None:
    _waiting(database_url, 2)
    done = _cli("approvals", "--db", database_url)
    assert done.exit_code == 0, done.output
    assert done.output.rstrip().endswith("┘")


def test_replay_counts_a_long_history_with_separators(database_url: str) -> None:
    (instance,) = _waiting(database_url, 1)
    with Engine(database_url) as engine:
        for _ in range(1_000):
            engine.send(instance, "note")

    done = _cli("replay", instance, "--db", database_url)

    assert done.exit_code == 0, done.output
    assert done.output.strip() == f"✓ {instance}: its 1,001 transitions rebuild the stored instance"
