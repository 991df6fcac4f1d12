"""`statewright approvals` where many approvals wait: a page at a time (200 by default), the oldest first, each
full page naming the next (`--after ID`); and `replay` of a long history counts its transitions as '20,001',
not '20001'."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.engine import PENDING_APPROVALS_PAGE, Engine

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


def _rows(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("│ ")]


def test_a_full_page_of_approvals_names_the_next(database_url: str) -> None:
    started = _waiting(database_url, PENDING_APPROVALS_PAGE + 1)

    done = _cli("approvals", "--db", database_url)

    assert done.exit_code == 0, done.output
    rows = _rows(done.output)
    assert len(rows) == PENDING_APPROVALS_PAGE
    assert started[0] in rows[0]  # the oldest first
    last_id = rows[-1].split("│")[1].strip()
    assert done.output.rstrip().splitlines()[-1] == f"200 shown; there may be more: the next page is --after {last_id}"
    following = _cli("approvals", "--db", database_url, "--after", last_id)
    assert [started[-1] in row for row in _rows(following.output)] == [True]


def test_pages_of_approvals_hold_each_one_once_in_order(database_url: str) -> None:
    started = _waiting(database_url, 5)  # started in one burst: several share a creation time
    seen: list[str] = []
    after: list[str] = []
    for _ in range(4):
        done = _cli("approvals", "--db", database_url, "--limit", "2", "--format", "json", *after)
        assert done.exit_code == 0, done.output
        page = json.loads(done.output)
        if not page:
            break
        seen += [approval["instance_id"] for approval in page]
        after = ["--after", str(page[-1]["id"])]
    assert seen == started


def test_a_page_after_an_approval_that_does_not_exist_is_refused(database_url: str) -> None:
    _waiting(database_url, 1)
    done = _cli("approvals", "--db", database_url, "--after", "999")
    assert done.exit_code != 0
    assert "there is no approval 999" in done.output


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
