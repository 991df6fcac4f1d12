"""The shipped handlers called as the engine calls them: idempotent writes, recorded steps, priced costs, and
failures with the kind the flows' retry rules name."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from agents.handlers import ACTIONS, OfflineHandlers, shipped_definitions
from agents.handlers.pricing import MODEL_PRICES, ModelPrice, Pricing, price_table
from engine import ActionError, ActionRequest, ActionResult, Engine
from engine.definition import ParallelState, State, TaskState


def _actions(states: Mapping[str, State]) -> set[str]:
    found: set[str] = set()
    for state in states.values():
        if isinstance(state, TaskState):
            found.add(state.action)
        elif isinstance(state, ParallelState):
            for branch in state.branches:
                found |= _actions(branch.states)
    return found


def test_every_action_of_every_shipped_workflow_has_a_handler(offline: OfflineHandlers, engine: Engine) -> None:
    used = set().union(*(_actions(w.states) for w in shipped_definitions()[0].values()))
    assert used <= set(ACTIONS)
    assert all(engine.handlers.get(name) is not None for name in used)
    assert set(offline.actions) == set(ACTIONS)


def _call(engine: Engine, action: str, payload: dict[str, Any], *, key: str = "inst-1:3", agent: str | None = None,
          context: dict[str, Any] | None = None, workflow: str = "lead_qualification") -> ActionResult:
    handler = engine.handlers.get(action)
    assert handler is not None
    request = ActionRequest(action=action, input=payload, context=context or {}, idempotency_key=key, attempt=1,
                            instance_id=key.split(":", maxsplit=1)[0], workflow_id=workflow, state=action,
                            tenant="default",
                            agent=agent)
    result = handler(request)
    assert isinstance(result, ActionResult)
    return result


MEETING = {"email": "ann@acme.com", "name": "Ann", "company": "Acme Corp", "meeting_type": "discovery",
           "duration_minutes": 30, "within_days": 10}


def test_a_retried_booking_books_once_and_a_second_flow_reuses_the_meeting(offline: OfflineHandlers,
                                                                          engine: Engine) -> None:
    first = _call(engine, "book_meeting", MEETING, agent="bdr_concierge")
    retried = _call(engine, "book_meeting", MEETING, agent="bdr_concierge")
    other_flow = _call(engine, "book_meeting", MEETING, key="inst-2:9", agent="bdr_concierge")
    assert first.output["reused"] is False
    assert first.output["starts_at"] == "2030-01-16T09:00:00Z"
    assert retried.output["meeting_id"] == other_flow.output["meeting_id"] == first.output["meeting_id"]
    assert other_flow.output["reused"] is True
    events = offline.sandbox.calendar.search_events(attendee_email="ann@acme.com")["events"]
    assert len(events) == 1
    assert len(offline.sandbox.mailbox.sent(recipient="ann@acme.com", tag="meeting_invite")) == 1


def test_each_tool_call_is_a_step_and_the_cost_is_priced_by_the_agents_model(offline: OfflineHandlers,
                                                                           engine: Engine) -> None:
    result = _call(engine, "book_meeting", MEETING, agent="bdr_concierge")
    actions = [s["action"] for s in result.steps]
    assert actions[0] == "calendar.events.search"
    assert actions[-3:] == ["calendar.availability.find", "calendar.events.create", "email.send"]
    for index, step in enumerate(result.steps, start=1):
        assert step["step_id"] == f"step_{index:03d}"
        assert step["timestamp"] == "2030-01-15T12:00:00Z"
        assert "result" in step
        assert isinstance(step["parameters"], dict)
    assert result.cost is not None
    assert (result.cost.model, result.cost.tokens > 100) == ("gpt-4o-mini", True)
    price = MODEL_PRICES["gpt-4o-mini"]
    assert price.prompt_per_million * result.cost.tokens / 1e6 <= result.cost.amount
    assert result.cost.amount <= price.completion_per_million * result.cost.tokens / 1e6
    assert _call(engine, "score_lead", {"lead": {"title": "CEO"}}, agent=None).cost is None


def test_run_as_a_deployed_agent_an_action_calls_only_the_agents_tools(offline: OfflineHandlers,
                                                                       engine: Engine) -> None:
    bdr = shipped_definitions()[1]["bdr_concierge"]
    handler = engine.handlers.get("book_meeting")
    assert handler is not None

    def request(tools: list[str]) -> ActionRequest:
        return ActionRequest(action="book_meeting", input=MEETING, context={}, idempotency_key="inst-9:3", attempt=1,
                             instance_id="inst-9", workflow_id="lead_qualification", state="book_meeting",
                             tenant="default", agent="bdr_concierge",
                             agent_definition=bdr.model_copy(update={"tools": tools}))

    assert isinstance(handler(request(bdr.tools)), ActionResult)  # the shipped agent has every tool it calls
    without_calendar = [t for t in bdr.tools if t != "calendar.events.search"]
    with pytest.raises(ActionError) as refused:
        handler(request(without_calendar))
    assert (refused.value.kind, refused.value.retryable) == ("tool_not_allowed", False)
    assert "may not call 'calendar.events.search'" in refused.value.detail
    (last,) = refused.value.steps
    assert (last["action"], last["error"]["kind"]) == ("calendar.events.search", "tool_not_allowed")
    assert "result" not in last


def test_run_as_a_deployed_agent_an_action_calls_only_its_own_tools(offline: OfflineHandlers, engine: Engine) -> None:
    bdr = shipped_definitions()[1]["bdr_concierge"]
    handler = engine.handlers.get("book_meeting")
    assert handler is not None
    assert "calendar.events.search" in bdr.tools
    narrowed = dict(bdr.action_tools or {})
    narrowed["book_meeting"] = [t for t in narrowed["book_meeting"] if t != "calendar.events.search"]
    request = ActionRequest(action="book_meeting", input=MEETING, context={}, idempotency_key="inst-9:3", attempt=1,
                            instance_id="inst-9", workflow_id="lead_qualification", state="book_meeting",
                            tenant="default", agent="bdr_concierge",
                            agent_definition=bdr.model_copy(update={"action_tools": narrowed}))
    with pytest.raises(ActionError) as refused:
        handler(request)
    assert refused.value.kind == "tool_not_allowed"
    assert "the action 'book_meeting' of the agent 'bdr_concierge' may not call 'calendar.events.search'" \
        in refused.value.detail
    called = [step["action"] for step in refused.value.steps]
    assert called[-1] == "calendar.events.search"
    assert "calendar.events.create" not in called  # it stopped before booking anything


def test_a_model_without_a_price_runs_with_its_tokens_counted_and_no_amount() -> None:
    _, agents = shipped_definitions()
    cost = Pricing(agents, prices={}).cost("support_concierge", {"subject": "locked out"}, [], {"priority": "P3"})
    assert cost is not None
    assert cost.amount == 0.0
    assert cost.tokens > 0
    assert cost.model == agents["support_concierge"].model


def test_the_deployments_price_file_adds_and_overrides_models(tmp_path: Path) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"llama-3.1-70b": {"prompt_per_million": 0.5, "completion_per_million": 0.8},
                                  "gpt-4o": {"prompt_per_million": 1, "completion_per_million": 2}}))
    table = price_table(prices)
    assert table["llama-3.1-70b"] == ModelPrice(0.5, 0.8)
    assert table["gpt-4o"] == ModelPrice(1.0, 2.0)
    assert table["gpt-4o-mini"] == ModelPrice(0.15, 0.60)
    prices.write_text("[1, 2]")
    with pytest.raises(ValueError, match="is not a JSON object"):
        price_table(prices)


@pytest.mark.parametrize(("action", "payload", "kind"), [
    ("extract_lead", {"email": "jane at globex"}, "validation"),
    ("respond_with_solution", {"ticket_id": "T-404", "solution": "Try again.", "article_id": "KB-101"}, "not_found"),
    ("check_sla_compliance", {"teams": ["support_apac"]}, "not_found"),
    ("audit_output", {"output": "not an object"}, "validation"),
    ("apply_discount", {"request_id": "T-1", "customer_id": "CO-11", "amount": -5}, "validation"),
])
def test_failures_carry_a_kind_that_is_not_retried(offline: OfflineHandlers, engine: Engine, action: str,
                                                   payload: dict[str, Any], kind: str) -> None:
    with pytest.raises(ActionError) as failed:
        _call(engine, action, payload)
    assert (failed.value.kind, failed.value.retryable) == (kind, False)


def test_a_p1_escalation_pages_on_call_updates_the_ticket_and_comments(offline: OfflineHandlers,
                                                                      engine: Engine) -> None:
    context = {"ticket_id": "T-77", "subject": "Production down", "description": "Everything fails.",
               "requester_email": "oncall@globex.com"}
    _call(engine, "classify_ticket", {"ticket_id": "T-77", "subject": "Production down",
                                      "description": "Everything fails."}, context=context)
    out = _call(engine, "escalate_to_human", {"ticket_id": "T-77", "priority": "P1", "category": "performance",
                                              "summary": "P1", "reason": "P1 (critical)", "similar_articles": []},
                context=context, key="inst-1:5").output
    ticket = offline.sandbox.helpdesk.read_ticket(ticket_id="T-77")
    assert ticket["ticket"]["status"] == "escalated"
    assert ticket["ticket"]["assignee"] == out["assignee"] == "support_emea:on-call"
    assert sorted(c["public"] for c in ticket["comments"]) == [False, True]
    assert "Page the on-call engineer now." in next(c["body"] for c in ticket["comments"] if not c["public"])
    assert [m["channel"] for m in offline.sandbox.chat.messages()] == ["#support_emea-oncall"]


def test_publishing_lead_qualified_starts_the_sales_squad(offline: OfflineHandlers, engine: Engine) -> None:
    payload = {"lead_id": "C-1", "email": "ann@acme.com", "name": "Ann", "title": "VP Sales", "company": "Acme Corp",
               "company_size": 500, "use_case": "sales automation", "timeline_days": 30, "raw_message": "Hi",
               "score": 100, "meeting_id": "MTG-1"}
    first = _call(engine, "publish_lead_qualified", payload, agent="bdr_concierge").output
    again = _call(engine, "publish_lead_qualified", payload, agent="bdr_concierge").output
    assert again["event_id"] == first["event_id"]
    assert again["duplicate"] is True
    started = engine.list_instances(workflow_id="sales_squad")
    assert [v.context["existing_meeting_id"] for v in started] == ["MTG-1"]


def test_the_policy_officer_reads_the_instances_context(offline: OfflineHandlers, engine: Engine) -> None:
    context = {"contains_pii": True, "tenant": {"gdpr_certified": False}}
    decided = _call(engine, "check_policy", {"workflow": "customer_escalation", "state": "policy_check"},
                    context=context, workflow="customer_escalation").output
    assert (decided["decision"], decided["policy_id"]) == ("deny", "pii_without_gdpr")
    assert decided["action_required"] == "Complete GDPR training"
    steps = _call(engine, "check_policy", {"workflow": "customer_escalation", "state": "policy_check"},
                  context={"contains_pii": False, "tenant": {"gdpr_certified": True}}).steps
    assert [s["action"] for s in steps] == ["budget.read", "policies.evaluate"]
