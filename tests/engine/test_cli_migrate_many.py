"""`statewright migrate` over many running instances: the dry run printed one table row per instance — 20,000
instances took minutes to print and could not be read — and its counts without thousands separators. Now more
than `EACH_UP_TO` instances are grouped by what the migration does to them, each group counted, and every count
reads '1,000'; `--format json` still lists each instance's plan."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.cli.migration_table import EACH_UP_TO
from engine.runtime.engine import Engine

MANY = 1_000


def _door(version: int, *, review: bool) -> dict[str, Any]:
    states: dict[str, Any] = {"open": {"type": "wait", "event": {"type": "opened"}}, "shut": {"type": "final"}}
    transitions = [{"source": "open", "trigger": "done", "dest": "shut"}]
    if review:
        states["review"] = {"type": "approval", "approvers": {"roles": ["staff"]}}
        transitions += [{"source": "open", "trigger": "ask", "dest": "review"},
                        {"source": "review", "trigger": "approve", "dest": "shut"},
                        {"source": "review", "trigger": "reject", "dest": "shut"}]
    return {"id": "door", "title": "Door", "version": version, "initial": "open", "states": states,
            "transitions": transitions}


pytestmark = pytest.mark.usefixtures("wide_tables")


def _migrate(database_url: str, *args: str) -> Any:
    return CliRunner().invoke(build_app("migrate"), ["migrate", "door", "--from", "1", "--to", "2",
                                                     "--db", database_url, *args], env={"COLUMNS": "300"})


def test_many_instances_are_grouped_and_counted_with_separators(database_url: str) -> None:
    with Engine(database_url) as engine:
        engine.deploy(_door(1, review=True))
        for _ in range(MANY):
            engine.start("door", {})
        asked = engine.start("door", {}).id
        engine.send(asked, "ask")
        engine.deploy(_door(2, review=False))

    done = _migrate(database_url)

    assert done.exit_code == 1, done.output  # the one in 'review' is refused
    rows = [line for line in done.output.splitlines() if line.startswith("│ ")]
    assert len(rows) == 2  # two groups, not 1,001 rows
    assert rows[0].split("│")[1:7] == [" open   ", " open (kept, carried) ", " valid   ", " event_wait: carried ",
                                       " would migrate                                                                ",
                                       "     1,000 "]
    assert "│ review │ — (missing)" in rows[1]
    assert f"│         1 │ {asked} │" in rows[1]
    lines = done.output.rstrip().splitlines()
    assert lines[-4:] == [
        "grouped by what the migration does: 1,001 instances are too many to list one a row (--format json lists "
        "each)",
        "1,001 running instances of door v1: 1,000 would migrate to v2, 1 refused",
        "  refused 1 instance: the state 'review' is not in version 2; map it to one of its states",
        "refused instances stay on v1, untouched, and run on there; migrate again once what refuses them is dealt "
        "with"]

    as_json = _migrate(database_url, "--format", "json")
    assert len(json.loads(as_json.stdout)["plans"]) == MANY + 1


def test_few_instances_are_listed_one_a_row(database_url: str) -> None:
    with Engine(database_url) as engine:
        engine.deploy(_door(1, review=False))
        started = [engine.start("door", {}).id for _ in range(3)]
        engine.deploy(_door(2, review=False))

    done = _migrate(database_url)

    assert done.exit_code == 0, done.output
    assert all(f"│ {instance} │" in done.output for instance in started)
    assert "grouped" not in done.output
    assert done.output.rstrip().splitlines()[-1] == "3 running instances of door v1: 3 would migrate to v2, 0 refused"
    assert EACH_UP_TO < MANY


def test_a_group_says_how_many_of_its_instances_have_a_context_that_does_not_fit(database_url: str) -> None:
    """The groups are the designer's (state, target, entry, refusal): instances refused for a missing state are one
    group whether their context fits or not, the table saying how many do not."""
    with Engine(database_url) as engine:
        engine.deploy(_door(1, review=True))
        for n in range(EACH_UP_TO + 1):
            engine.send(engine.start("door", {"n": "ten"} if n % 2 else {"n": n}).id, "ask")
        engine.deploy({**_door(2, review=False), "context": {"type": "object",
                                                             "properties": {"n": {"type": "integer"}}}})

    done = _migrate(database_url)

    rows = [line for line in done.output.splitlines() if line.startswith("│ ")]
    assert len(rows) == 1, done.output
    assert "│ review │ — (missing)" in rows[0]
    assert f"│ {EACH_UP_TO // 2:,} invalid, e.g. /n: " in rows[0]
    assert f"│       {EACH_UP_TO + 1:,} │" in rows[0]
