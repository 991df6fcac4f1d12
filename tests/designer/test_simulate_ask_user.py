"""Simulating a task that asks the user: the error it asks about waits for the reply; a `done` sent then is the
reply and starts the action again with it; a `timeout` lets the error take the error path."""

from __future__ import annotations

import json
from pathlib import Path

from designer.simulation import SimulatedEvent, simulate
from engine.definition import Workflow

FIXTURE = Path(__file__).parents[1] / "engine" / "validation" / "fixtures" / "clean" / "ask-into-output.json"
FLOW = Workflow.model_validate(json.loads(FIXTURE.read_text(encoding="utf-8")))
NOT_FOUND = SimulatedEvent(event="error", payload={"kind": "not_found", "message": "no account named acme"})


def test_the_reply_starts_the_action_again_with_it_and_its_output_ends_the_task() -> None:
    run = simulate(FLOW, {}, [NOT_FOUND, SimulatedEvent(event="done", payload={"account": "acme-2"}, actor="dana"),
                              SimulatedEvent(event="done", payload={"id": "acme-2"})], now=0)
    assert [(s.event, s.to_state) for s in run.steps] == [
        ("(start)", "lookup"), ("(ask-user)", "lookup"), ("(user-reply)", "lookup"), ("done", "found")]
    asked = run.steps[1]
    assert [e["type"] for e in asked.effects] == ["AwaitEvent", "ArmTimer"]
    assert asked.context["clarification"]["waiting"] is True
    (action,) = [e for e in run.steps[2].effects if e["type"] == "RunAction"]
    assert action["input"] == {"clarification": {"account": "acme-2"}}
    assert (run.status, run.context["account"]) == ("succeeded", {"id": "acme-2"})
    assert run.rejected == []


def test_no_reply_takes_the_error_path_and_other_kinds_do_not_ask() -> None:
    timed_out = simulate(FLOW, {}, [NOT_FOUND, SimulatedEvent(event="timeout")], now=0)
    assert [s.event for s in timed_out.steps][-2:] == ["(no-reply)", "error"]
    assert (timed_out.state, timed_out.status, timed_out.context.get("clarification", {}).get("waiting")) == (
        "missing", "failed", False)
    other = simulate(FLOW, {}, [SimulatedEvent(event="error", payload={"kind": "unavailable", "message": "down"})],
                     now=0)
    assert [s.event for s in other.steps] == ["(start)", "error"]
    assert other.state == "missing"
