"""A transition from any state (`"source": "*"`, a withdrawal from anywhere) exported to ASL. Before, every state
it leaves was refused for it — fourteen findings for one transition on a 20-state flow, each state's own
problems hidden behind it — and `--allow-loss` wrote a machine without those fourteen states. Now it is one
finding at the transition, the states are judged on their own, and an allowed loss drops only the transition."""

from __future__ import annotations

import json
from typing import Any

from engine.definition import Workflow
from engine.interop import export_workflow

FLOW: dict[str, Any] = {
    "id": "order", "title": "Order", "initial": "check",
    "states": {"check": {"type": "task", "action": "check_order", "output": "checked"},
               "review": {"type": "approval", "approvers": {"roles": ["manager"]}},
               "ship": {"type": "task", "action": "ship_order", "output": "shipped"},
               "done": {"type": "final"},
               "withdrawn": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "check", "trigger": "done", "dest": "review"},
                    {"source": "review", "trigger": "approve", "dest": "ship"},
                    {"source": "review", "trigger": "reject", "dest": "withdrawn"},
                    {"source": "ship", "trigger": "done", "dest": "done"},
                    {"source": "*", "trigger": "withdraw", "dest": "withdrawn"}],
}


def test_one_finding_at_the_transition_and_the_states_judged_on_their_own() -> None:
    exported = export_workflow("asl", Workflow.model_validate(FLOW))

    assert [(f.pointer, f.message) for f in exported.findings] == [
        ("/transitions/4/source", "transition 5 from any state ('*') cannot be expressed in ASL: ASL has no "
                                  "transitions from every state"),
        ("/states/review", "state 'review': an approval state cannot be expressed in ASL: ASL has no approvals "
                           "(a person's decision)"),
        ("/states/review", "state 'review': dropped: a placeholder Choice in its place goes on to "
                           "'ship' (or 'withdrawn' when $.placeholder_way names it)"),
    ]
    machine = json.loads(exported.text)  # what --allow-loss writes: review as a placeholder, no transition '*'
    assert sorted(machine["States"]) == ["check", "done", "review", "ship", "withdrawn"]
