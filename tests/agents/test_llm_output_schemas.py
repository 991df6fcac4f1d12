"""The shipped flows on a model that answers what it should not.

Their output schemas are what the `llm` executor asks a model for and checks its reply against
(response_format, then a repair round): a field a later step reads must be required there, or a model's reply
without it is taken, and the flow fails a step later on a missing key the model is never told about. And a
decision a model makes must not be the only thing between a request and its human approvers."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema_rs
import pytest
from chat_completions_server import Reply, chat_completions_server, completion

from agents.executors import LlmSettings, register_llm
from agents.handlers import shipped_definitions
from agents.handlers.lead_rules import extract_lead_fields
from engine import Engine, ManualClock
from engine.definition import TaskState, Workflow

_LEAD_READ = re.compile(r"(?<![\w.])lead\.(\w+)")


def _task_inputs(states: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for state in states.values():
        if isinstance(state, TaskState):
            found += state.input.values()
        for branch in getattr(state, "branches", None) or []:
            found += _task_inputs(dict(branch.states))
    return found


@pytest.mark.parametrize("flow_id", ["lead_qualification", "sales_squad"])
def test_the_extracted_lead_requires_every_field_the_flow_reads_from_it(flow_id: str) -> None:
    flow: Workflow = shipped_definitions()[0][flow_id]
    schema = flow.context["properties"]["lead"]
    read = {m for source in _task_inputs(dict(flow.states)) for m in _LEAD_READ.findall(source)}
    assert {"email", "company", "name"} <= read
    assert read <= set(schema.get("required", []))
    validator = jsonschema_rs.validator_for(schema)
    assert not validator.is_valid({"answer": "done"})  # what a model answered: sent back to it, not taken
    assert validator.is_valid(extract_lead_fields({"email": "ann@acme.com"}))  # the rules' lead, unknowns null


ROUTING = '{"squad": "support", "summary": "a service credit", "confidence": 0.9}'


@pytest.mark.parametrize(("amount", "approval"), [(15000, "vp_discount_approval"), (500, "discount_approval")])
def test_a_discount_waits_for_its_approvers_whatever_the_policy_officers_model_answered(
        database_url: str, clock: ManualClock, amount: int, approval: str) -> None:
    """The model behind check_policy answers `allow` without evaluating the rules: the credit must still wait
    for its approvers (not resolve with the credit silently dropped and nobody asked)."""
    workflows, agents = shipped_definitions()
    escalation = workflows["customer_escalation"]
    (example,) = [e for e in escalation.examples if e.name == "large_credit_needs_vp_and_finance"]
    context = json.loads(json.dumps(example.context))
    context["discount"]["amount"] = amount
    with chat_completions_server() as (url, script):
        script.replies += [Reply(completion(ROUTING)), Reply(completion('{"decision": "allow"}'))]
        with Engine(database_url, clock=clock) as engine:
            register_llm(engine, LlmSettings(url=url, model="gpt-4o-mini"),
                         actions=["classify_request", "check_policy"])
            for agent in agents.values():
                engine.deploy_agent(agent)
            for flow in ("sales_squad", "support_squad", "ops_squad"):
                engine.deploy(workflows[flow])
            engine.deploy(escalation)
            run = engine.start("customer_escalation", context)
            engine.run_until_idle()
            view = engine.get(run.id)
            pending = [a.state for a in engine.pending_approvals()]
    assert view.context["policy"] == {"decision": "allow"}
    assert (view.status, view.state) == ("running", approval)
    assert pending == [approval]
