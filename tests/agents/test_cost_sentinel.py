"""The Cost Sentinel on a real run: every agent's work is costed and attributed; past 90% of the monthly budget
the budget owner is told; past the budget the Policy Officer stops new work."""

from __future__ import annotations

import pytest

from agents.handlers import OfflineHandlers, shipped_definitions
from engine import Engine, InstanceView

WORKFLOW = shipped_definitions()[0]["customer_escalation"]
EXAMPLE = next(e for e in WORKFLOW.examples if e.name == "ticket_resolved_without_discount")


def _run(engine: Engine) -> InstanceView:
    view = engine.start(WORKFLOW.id, dict(EXAMPLE.context))
    engine.run_until_idle()
    return engine.get(view.id)


def _spent_before_the_squad(engine: Engine, view: InstanceView) -> float:
    spent = 0.0
    for entry in engine.history(view.id):
        if entry.to_state == "route_to_squad":
            return spent
        spent += entry.cost or 0.0
    raise AssertionError("the run never reached route_to_squad")


def test_without_a_budget_the_cost_is_attributed_and_nobody_is_alerted(offline: OfflineHandlers,
                                                                       engine: Engine) -> None:
    view = _run(engine)
    cost = view.result["cost"]
    assert view.state == "resolved"
    by_agent = {t.key: t.amount for t in engine.cost_totals(by="agent")}
    # every agent's spend so far, across the instance and its subflow; the Sentinel's own is booked after it answers
    assert cost["by_agent"] == pytest.approx({k: v for k, v in by_agent.items() if k != "cost_sentinel"})
    assert cost["total"] == pytest.approx(cost["monthly_total"])
    assert cost["total"] == pytest.approx(engine.budget()["spent"] - by_agent["cost_sentinel"])
    assert cost["budget_set"] is False
    assert cost["tokens"] > 0
    assert offline.sandbox.chat.messages(channel="#finance-alerts") == []


def _without_per_task_limits(engine: Engine) -> None:
    """The offline agents spend fractions of a cent, so a budget they can cross in two runs is far below any
    agent's per-task `budget_limit`, which would stop the squads' tasks before they start (as it should at real
    scale). Here the agents are redeployed without that limit, to watch the monthly budget alone."""
    for agent in shipped_definitions()[1].values():
        policies = agent.policies.model_copy(update={"budget_limit": None})
        engine.deploy_agent(agent.model_copy(update={"version": "9.0.0", "policies": policies}))


def test_an_agent_the_remaining_budget_cannot_cover_does_not_start(offline: OfflineHandlers,
                                                                   engine: Engine) -> None:
    first = _run(engine)
    engine.set_budget("default", engine.budget()["spent"] * 3)  # not exceeded, but far below any per-task limit
    stopped = _run(engine)
    assert first.state == "resolved"
    assert stopped.status == "failed"
    refusals = [h.payload for child in engine.list_instances(parent_id=stopped.id)
                for h in engine.history(child.id) if h.event == "error" and isinstance(h.payload, dict)]
    assert refusals
    assert refusals[0]["kind"] == "budget_exceeded"


def test_past_90_percent_of_the_budget_the_owner_is_told(offline: OfflineHandlers, engine: Engine) -> None:
    _without_per_task_limits(engine)
    first = _run(engine)
    spent_once = engine.budget()["spent"]
    before_squad = spent_once + _spent_before_the_squad(engine, first)
    limit = (before_squad + 2 * spent_once / 0.9) / 2  # the second run starts within it and ends past 90% of it
    engine.set_budget("default", limit)
    second = _run(engine)
    assert second.state == "resolved"
    assert second.result["cost"]["budget_used_ratio"] > 0.9
    assert "alert_budget" in [h.to_state for h in engine.history(second.id)]
    assert len(offline.sandbox.chat.messages(channel="#finance-alerts")) == 1
    assert [e["recipient"] for e in offline.sandbox.mailbox.sent(tag="budget_threshold")] == ["finance@example.com"]


def test_past_the_budget_the_policy_officer_denies_new_work(offline: OfflineHandlers, engine: Engine) -> None:
    _run(engine)
    engine.set_budget("default", engine.budget()["spent"] / 2)
    denied = _run(engine)
    assert denied.state == "rejected"
    assert denied.result["reason"] == "Monthly budget exceeded"
    assert denied.result["action_required"] == "Requires CFO approval"
