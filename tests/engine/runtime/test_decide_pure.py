"""`decide` is a pure function: a compiled workflow, a snapshot, an event and an environment in; the next
snapshot, its history steps and the effects to carry out, out. These tests run with no database at all."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from engine.definition import Workflow
from engine.runtime.decide import decide, start
from engine.runtime.effects import ArmTimer, RequestApproval, RunAction
from engine.runtime.machines import CompiledWorkflow
from engine.runtime.snapshot import FAILED, RUNNING, SUCCEEDED, AgentLookup, Environment, Event, Snapshot

NOW = 1_900_000_000.0

REFUND: dict[str, Any] = {
    "id": "refund", "title": "Refund request",
    "context": {"type": "object", "properties": {"amount": {"type": "number"}}, "required": ["amount"]},
    "initial": "check",
    "states": {
        "check": {"type": "task", "action": "check_refund", "output": "verdict"},
        "route": {"type": "choice"},
        "review": {"type": "approval", "approvers": {"roles": ["finance"]}, "timeout": "PT48H"},
        "paid": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "check", "trigger": "done", "dest": "route"},
        {"source": "check", "trigger": "error", "dest": "refused"},
        {"source": "route", "dest": "paid", "guard": "verdict.auto", "priority": 1},
        {"source": "route", "dest": "review"},
        {"source": "review", "trigger": "approve", "dest": "paid"},
        {"source": "review", "trigger": "reject", "dest": "refused"},
        {"source": "review", "trigger": "timeout", "dest": "refused"},
    ],
}


@pytest.fixture
def compiled() -> CompiledWorkflow:
    return CompiledWorkflow(Workflow.model_validate(REFUND))


def _env() -> Environment:
    return Environment(NOW, {"id": "i-1", "workflow": "refund", "version": 1, "tenant": "default"},
                       agents=AgentLookup())


def test_starting_enters_the_task_and_asks_for_its_action(compiled: CompiledWorkflow) -> None:
    decision = start(compiled, {"amount": 250}, _env())
    assert decision.snapshot == Snapshot("check", {"amount": 250}, RUNNING)
    effects = [e for step in decision.steps for e in step.effects]
    assert [e.action for e in effects if isinstance(e, RunAction)] == ["check_refund"]


def test_a_done_runs_through_the_choice_into_the_approval_with_its_timer(compiled: CompiledWorkflow) -> None:
    at_check = Snapshot("check", {"amount": 250})
    decision = decide(compiled, at_check, Event("done", {"auto": False}, system=True), _env())
    assert [(s.source, s.dest) for s in decision.steps] == [("check", "route"), ("route", "review")]
    assert decision.snapshot.state == "review"
    assert decision.snapshot.context == {"amount": 250, "verdict": {"auto": False}}
    effects = [e for step in decision.steps for e in step.effects]
    approval = next(e for e in effects if isinstance(e, RequestApproval))
    assert approval.roles == ("finance",)
    timers = [e for e in effects if isinstance(e, ArmTimer)]
    assert [(t.fire, t.due_at) for t in timers] == [("timeout", NOW + 48 * 3600)]


def test_a_guard_that_holds_goes_straight_to_the_final_state(compiled: CompiledWorkflow) -> None:
    decision = decide(compiled, Snapshot("check", {"amount": 20}), Event("done", {"auto": True}, system=True), _env())
    assert decision.snapshot.state == "paid"
    assert decision.snapshot.status == SUCCEEDED
    assert [(g.guard, g.value) for g in decision.steps[1].guards] == [("verdict.auto", True)]


def test_the_same_inputs_give_the_same_decision(compiled: CompiledWorkflow) -> None:
    snapshot, event = Snapshot("review", {"amount": 250, "verdict": {"auto": False}}), Event("reject", None, "fiona")
    first, second = decide(compiled, snapshot, event, _env()), decide(compiled, snapshot, event, _env())
    assert first == second
    assert first.snapshot.state == "refused"
    assert first.snapshot.status == FAILED
    assert snapshot.context == {"amount": 250, "verdict": {"auto": False}}  # the input's context is not mutated


def test_deciding_loads_no_database_layer() -> None:
    """Of `storage`, only `storage.records` (the decorator of immutable records) and `storage.codec` (JSON as the
    tables keep it, the encoder that sizes what a step writes: `engine.runtime.context_size`) — nothing of a
    database."""
    probe = ("import sys; import engine.runtime.decide, engine.runtime.machines; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('storage', 'sqlalchemy', 'sqlmodel', "
             "'psycopg')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['storage', 'storage.codec', 'storage.records']"
