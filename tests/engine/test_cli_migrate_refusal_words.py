"""`statewright migrate` refused an instance whose context the new version's schema does not take, with the reason
but not what could be done about it. Its words now say it: leave the instance on version N, where it runs on to its
end, or migrate it to a version whose schema takes its context — no command corrects a running instance's context
(a redrive corrects a failed or stuck one's only) — and the output says that the refused stay on version N,
untouched. Both ways work as said: the instance left behind finishes on version 1, and a version 3 whose schema
takes its context takes it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.engine import Engine

pytestmark = pytest.mark.usefixtures("wide_tables")

NUMBER = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "number"}}}
NUMBER_OR_TEXT = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": ["number", "string"]}}}
CONTEXT_REFUSAL = (
    "its context does not fit the schema of version 2: leave it on version 1, where it runs on to its end, or "
    "migrate it to a version whose schema takes its context (a running instance's context cannot be corrected; a "
    "failed or stuck one's can, with a redrive)")


def _order(version: int, context: dict[str, Any]) -> dict[str, Any]:
    return {"id": "order", "title": "Order", "version": version, "initial": "review", "context": context,
            "states": {"review": {"type": "approval", "approvers": {"roles": ["staff"]}}, "done": {"type": "final"}},
            "transitions": [{"source": "review", "trigger": "approve", "dest": "done"},
                            {"source": "review", "trigger": "reject", "dest": "done"}]}


def _migrate(database_url: str, to: int, *args: str) -> Any:
    return CliRunner().invoke(build_app("migrate"), ["migrate", "order", "--from", "1", "--to", str(to),
                                                     "--db", database_url, *args], env={"COLUMNS": "300"})


def test_a_context_refusal_says_what_can_be_done_and_each_way_works(database_url: str) -> None:
    with Engine(database_url) as engine:
        engine.deploy(_order(1, {"type": "object"}))
        fits = engine.start("order", {"amount": 5}).id
        stays = engine.start("order", {"amount": "five"}).id
        moves_later = engine.start("order", {"amount": "six"}).id
        engine.deploy(_order(2, NUMBER))

    dry = _migrate(database_url, 2, "--dry-run")
    assert dry.exit_code == 1, dry.output
    assert dry.output.rstrip().splitlines()[-3:] == [
        "3 running instances of order v1: 1 would migrate to v2, 2 refused",
        f"  refused 2 instances: {CONTEXT_REFUSAL}",
        "refused instances stay on v1, untouched, and run on there; migrate again once what refuses them is dealt "
        "with"]
    as_json = json.loads(_migrate(database_url, 2, "--format", "json").stdout)
    assert as_json["refusals"] == [{"reason": CONTEXT_REFUSAL, "instances": 2}]

    applied = _migrate(database_url, 2, "--apply")
    assert applied.exit_code == 1, applied.output
    with Engine(database_url) as engine:
        assert [engine.get(i).workflow_version for i in (fits, stays, moves_later)] == [2, 1, 1]
        finished = engine.approve(stays, actor="sam", roles=("staff",))  # left on version 1, it runs on there
        assert (finished.status, finished.workflow_version) == ("succeeded", 1)
        engine.deploy(_order(3, NUMBER_OR_TEXT))  # a version whose schema takes its context

    onto_3 = _migrate(database_url, 3, "--apply")
    assert onto_3.exit_code == 0, onto_3.output
    assert "refused instances stay" not in onto_3.output
    with Engine(database_url) as engine:
        assert (engine.get(moves_later).workflow_version, engine.get(moves_later).state) == (3, "review")
