"""The Workflow Commander's routing and the Policy Officer's decisions on customer_escalation's rules."""

from __future__ import annotations

from typing import Any

import pytest

from agents.handlers import shipped_definitions
from agents.handlers.routing_rules import route_request
from agents.tools import ToolError, WorkflowPolicies
from engine import Workflow


@pytest.mark.parametrize(("subject", "description", "squad"), [
    ("Demo request for 300 seats", "We want a demo and pricing for 300 seats within the next month.", "sales"),
    ("Quote for the enterprise plan", "Could you send a quote?", "sales"),
    ("Weekly SLA report for our EMEA tickets", "Please send us the SLA report for our tickets.", "ops"),
    ("Response times", "Can we get the metrics dashboard for last month?", "ops"),
    ("Exports time out again - we want a service credit", "Large report exports have timed out.", "support"),
    ("Locked out after password reset", "I can't sign in.", "support"),
    ("Trial broken", "Our trial workspace fails to load.", "support"),
    ("Hello", "Just saying hi.", "support"),
])
def test_requests_are_routed_to_the_right_squad(subject: str, description: str, squad: str) -> None:
    routing = route_request(subject, description)
    assert routing.squad == squad
    assert 0 < routing.confidence <= 0.95


@pytest.fixture(scope="module")
def escalation() -> WorkflowPolicies:
    return WorkflowPolicies(shipped_definitions()[0])


def _variables(**context: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"contains_pii": False, "tenant": {"gdpr_certified": True}}
    merged = {**base, **context}
    budget = merged.pop("budget", {"limit": 0.0, "spent": 0.0, "set": False})
    return {**merged, "context": merged, "budget": budget}


@pytest.mark.parametrize(("context", "decision", "policy"), [
    ({}, "allow", None),
    ({"budget": {"limit": 0.0, "spent": 12.5, "set": False}}, "allow", None),  # no budget configured
    ({"budget": {"limit": 100.0, "spent": 100.5, "set": True}}, "deny", "monthly_budget_exceeded"),
    ({"contains_pii": True, "tenant": {"gdpr_certified": False}}, "deny", "pii_without_gdpr"),
    ({"contains_pii": True}, "allow", None),
    ({"discount": {"amount": 15000}}, "require_approval", "discount_over_limit"),
    ({"discount": {"amount": 10000}}, "require_approval", "discount_authorisation"),
    ({"discount": {"amount": 15000}, "contains_pii": True, "tenant": {"gdpr_certified": False}}, "deny",
     "pii_without_gdpr"),  # first match wins
])
def test_the_first_matching_rule_decides(escalation: WorkflowPolicies, context: dict[str, Any], decision: str,
                                         policy: str | None) -> None:
    result = escalation.evaluate(workflow_id="customer_escalation", state="policy_check",
                                 variables=_variables(**context))
    assert (result["decision"], result["policy_id"]) == (decision, policy)
    if decision == "require_approval":
        assert result["approvers"]["roles"]
    if decision == "deny":
        assert result["reason"]
        assert result["action_required"]


def test_only_the_rules_of_the_state_apply(escalation: WorkflowPolicies) -> None:
    result = escalation.evaluate(workflow_id="customer_escalation", state="route_to_squad",
                                 variables=_variables(discount={"amount": 15000}))
    assert result["decision"] == "allow"
    assert [c["policy_id"] for c in result["checked"]] == ["monthly_budget_exceeded", "pii_without_gdpr"]


def test_a_condition_that_cannot_be_evaluated_denies() -> None:
    workflow = Workflow.model_validate({
        "id": "gate", "title": "Gate", "initial": "done", "states": {"done": {"type": "final"}},
        "policies": [{"id": "needs_tier", "applies_at": ["done"], "condition": "customer.tier == 'gold'",
                      "outcome": "allow", "reason": "Gold customers pass"}]})
    result = WorkflowPolicies({"gate": workflow}).evaluate(workflow_id="gate", state="done", variables={})
    assert (result["decision"], result["policy_id"]) == ("deny", "needs_tier")
    assert result["reason"].startswith("the policy could not be evaluated")
    with pytest.raises(ToolError) as missing:
        WorkflowPolicies({}).evaluate(workflow_id="gate", state="done", variables={})
    assert missing.value.kind == "not_found"
