"""Policies (the Policy Officer) and costs with budgets (the Cost Sentinel)."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, finished, task, workflow

from engine.errors import TransitionNotAllowed
from engine.runtime.actions import ActionRequest, ActionResult, Cost
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine


def _spend_flow(**extra: Any) -> Any:
    return workflow(
        {"call_model": task("call_model", agent="writer", output="text", policies=extra.pop("state_policies", [])),
         "ok": final(), "stopped": final("failure")},
        [edge("call_model", "ok", "done"), edge("call_model", "stopped", "error")],
        id="spend", **extra,
    )


@pytest.fixture(autouse=True)
def writer(engine: Engine) -> None:
    """The agent the spending task names: deployed first, as deploy requires (it has no policies of its own)."""
    engine.deploy_agent({"id": "writer", "type": "writer", "version": "1.0.0", "name": "Writer",
                         "actions": ["call_model"]})


POLICIES = [
    {"id": "big_deal", "condition": "amount > 10000", "outcome": "require_approval",
     "reason": "Deals over 10k need a director", "approvers": {"roles": ["director"]}},
    {"id": "embargo", "condition": "country == 'XX'", "outcome": "deny", "reason": "Embargoed country",
     "action_required": "Pick another country"},
]


def _priced(engine: Engine, amount: float) -> None:
    @engine.register("call_model")
    def call_model(request: ActionRequest) -> ActionResult:
        return ActionResult("words", Cost(amount=amount, tokens=1200, model="gpt-4o-mini"))


def test_no_matching_policy_allows_and_the_check_is_in_the_history(engine: Engine) -> None:
    engine.deploy(_spend_flow(policies=POLICIES))
    _priced(engine, 0.5)
    run = engine.start("spend", {"amount": 5, "country": "FR"})
    first = engine.history(run.id)[0]
    assert [p["policy"] for p in first.policies] == ["big_deal", "embargo"]
    assert not any(p["matched"] for p in first.policies)
    assert finished(engine, run).state == "ok"


def test_deny_at_start_fails_the_instance_with_the_reason_and_the_action_required(engine: Engine) -> None:
    engine.deploy(_spend_flow(policies=POLICIES))
    run = engine.start("spend", {"amount": 5, "country": "XX"})
    assert run.status == "failed"
    assert run.error == {"kind": "policy_denied", "policy": "embargo", "reason": "Embargoed country",
                         "action_required": "Pick another country"}
    (row,) = engine.history(run.id)
    assert row.policies[-1] == {"policy": "embargo", "matched": True, "outcome": "deny",
                                "reason": "Embargoed country", "action_required": "Pick another country"}
    engine.run_until_idle()
    assert engine.get(run.id).version == 1  # no action ran
    assert_consistent(engine, run.id)


def test_require_approval_holds_the_instance_until_an_approver_decides(engine: Engine) -> None:
    engine.deploy(_spend_flow(policies=POLICIES))
    calls: list[str] = []

    @engine.register("call_model")
    def call_model(request: ActionRequest) -> str:
        calls.append("x")
        return "words"

    run = engine.start("spend", {"amount": 50000, "country": "FR"})
    assert run.status == "held"
    engine.run_until_idle()
    assert calls == []
    (gate,) = engine.pending_approvals(roles=["director"])
    assert gate.kind == "policy"
    assert gate.policy_id == "big_deal"
    with pytest.raises(TransitionNotAllowed):
        engine.send(run.id, "approve")
    released = engine.approve(run.id, actor="dora", roles=["director"])
    assert released.status == "running"
    assert finished(engine, run).state == "ok"
    assert calls == ["x"]
    assert [h.event for h in engine.history(run.id)] == ["(start)", "approve", "done"]


def test_a_rejected_gate_fails_the_instance(engine: Engine) -> None:
    engine.deploy(_spend_flow(policies=POLICIES))
    run = engine.start("spend", {"amount": 50000, "country": "FR"})
    done = engine.reject(run.id, actor="dora", roles=["director"], comment="too big")
    assert done.status == "failed"
    assert done.error["kind"] == "policy_rejected"


def test_state_policies_apply_when_the_state_is_entered(engine: Engine) -> None:
    rule = {"id": "no_weekend", "applies_at": ["call_model"], "condition": "context.weekend == true",
            "outcome": "deny", "reason": "Not on weekends"}
    engine.deploy(_spend_flow(policies=[rule], state_policies=["no_weekend"]))
    weekday = engine.start("spend", {"weekend": False})
    weekend = engine.start("spend", {"weekend": True})
    assert weekday.status == "running"
    assert weekend.status == "failed"
    assert weekend.error["policy"] == "no_weekend"


def test_costs_are_recorded_and_attributed(engine: Engine) -> None:
    engine.deploy(_spend_flow())
    _priced(engine, 1.25)
    runs = [finished(engine, engine.start("spend", {})) for _ in range(2)]
    assert engine.history(runs[0].id)[-1].cost == 1.25
    (by_workflow,) = engine.cost_totals(by="workflow_id")
    assert (by_workflow.key, by_workflow.amount, by_workflow.tokens, by_workflow.actions) == ("spend", 2.5, 2400, 2)
    assert [t.key for t in engine.cost_totals(by="agent")] == ["writer"]
    assert engine.budget()["spent"] == 2.5


def test_crossing_ninety_percent_publishes_one_event_per_month(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_spend_flow())
    engine.deploy(workflow({"alert": final()}, [], id="sentinel",
                           starts_on=[{"event": "statewright.budget.threshold", "context": {"ratio": "event.ratio"}}]))
    engine.set_budget("default", 10)
    _priced(engine, 3)
    for _ in range(4):  # 3, 6, 9 (crosses 90%), 12
        finished(engine, engine.start("spend", {}))
    alerts = engine.list_instances(workflow_id="sentinel")
    assert len(alerts) == 1
    assert alerts[0].context["ratio"] == pytest.approx(0.9)
    clock.advance(31 * 86400)  # a new month
    for _ in range(3):
        finished(engine, engine.start("spend", {}))
    assert len(engine.list_instances(workflow_id="sentinel")) == 2


def test_an_exceeded_budget_applies_the_policy_outcome(engine: Engine) -> None:
    over = {"id": "over_budget", "condition": "budget.set && budget.ratio >= 1.0", "outcome": "deny",
            "reason": "The monthly budget is spent", "action_required": "Raise the budget"}
    engine.deploy(_spend_flow(policies=[over]))
    engine.set_budget("default", 5)
    _priced(engine, 3)
    assert finished(engine, engine.start("spend", {})).state == "ok"
    assert finished(engine, engine.start("spend", {})).state == "ok"  # 6 spent: over from now on
    refused = engine.start("spend", {})
    assert refused.status == "failed"
    assert refused.error["reason"] == "The monthly budget is spent"
    assert engine.start("spend", {}, tenant="other").status == "running"
