"""The shipped flows on a model that answers what it should not.

Their output schemas are what the `llm` executor asks a model for and checks its reply against
(response_format, then a repair round): a field a later step reads must be required there, or a model's reply
without it is taken, and the flow fails a step later on a missing key the model is never told about. And a
decision a model makes must not be the only thing between a request and its human approvers."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest
from chat_completions_server import Reply, chat_completions_server, completion

from agents.executors import LlmSettings, register_llm
from agents.handlers import shipped_definitions
from agents.handlers.lead_rules import extract_lead_fields
from engine import Engine, ManualClock
from engine.definition import TaskState, Workflow
from engine.definition.cel_reading import Call, Node, Part, PathRef, parse, walk
from engine.validation.checks.expressions import expression_sites
from engine.validation.graph import machines

FLOWS = sorted(shipped_definitions()[0])


def _task_outputs(flow: Workflow) -> set[str]:
    return {state.output for machine in machines(flow) for state in machine.states.values()
            if isinstance(state, TaskState) and state.output}


def _has_checked(node: Node) -> set[tuple[Part, ...]]:
    return {call.args[0].parts for call in walk(node) if isinstance(call, Call) and call.name == "has"
            and len(call.args) == 1 and isinstance(call.args[0], PathRef)}


def _unrequired_reads(flow: Workflow) -> tuple[set[str], list[str]]:
    """(every `key.field` read from a task's output, those its schema does not require): a read counts unless the
    same expression asks `has()` of it first; `matches[0].article_id` needs `article_id` in the items' schema."""
    outputs = _task_outputs(flow)
    read: set[str] = set()
    missing: list[str] = []
    for site in expression_sites(flow, machines(flow)):
        tree = parse(site.source)
        checked = _has_checked(tree)
        for path in {node.parts for node in walk(tree) if isinstance(node, PathRef) and node.parts[0] in outputs}:
            schema = flow.context["properties"][path[0]]
            for depth, part in enumerate(path[1:], start=1):
                if isinstance(part, int):
                    schema = schema.get("items", {})
                    continue
                field = ".".join(str(p) for p in path[:depth + 1])
                read.add(field)
                if path[:depth + 1] not in checked and part not in schema.get("required", []):
                    missing.append(f"{field} ({site.what})")
                schema = schema.get("properties", {}).get(part, {})
    return read, sorted(missing)


@pytest.mark.parametrize("flow_id", FLOWS)
def test_every_field_a_flow_reads_from_a_tasks_output_is_required_by_its_schema(flow_id: str) -> None:
    read, missing = _unrequired_reads(shipped_definitions()[0][flow_id])
    assert read  # every shipped flow reads what its tasks answered
    assert missing == []


def test_a_read_behind_has_is_optional_and_every_other_read_is_counted() -> None:
    flow = shipped_definitions()[0]["lead_qualification"]
    read, _ = _unrequired_reads(flow)
    assert {"lead.email", "lead.company", "qualification.score", "crm_record.contact_id", "meeting.meeting_id"} <= read
    assert _has_checked(parse("has(context.meeting) ? context.meeting.meeting_id : null")) == {("meeting",)}


@pytest.mark.parametrize("flow_id", ["lead_qualification", "sales_squad"])
def test_a_model_answer_without_the_leads_fields_is_sent_back_and_the_rules_lead_is_taken(flow_id: str) -> None:
    validator = jsonschema_rs.validator_for(shipped_definitions()[0][flow_id].context["properties"]["lead"])
    assert not validator.is_valid({"answer": "done"})  # what a model answered: sent back to it, not taken
    assert validator.is_valid(extract_lead_fields({"email": "ann@acme.com"}))  # the rules' lead, unknowns null


ROUTING = '{"squad": "support", "summary": "a service credit", "confidence": 0.9}'
ALLOW = {"decision": "allow", "policy_id": None, "reason": None, "action_required": None}


@pytest.mark.parametrize(("amount", "approval"), [(15000, "vp_discount_approval"), (500, "discount_approval")])
def test_a_discount_waits_for_its_approvers_whatever_the_policy_officers_model_answered(
        database_url: str, clock: ManualClock, amount: int, approval: str) -> None:
    """The model behind check_policy answers `allow` without evaluating the rules: the credit must still wait
    for its approvers (not resolve with the credit silently dropped and nobody asked). Its first answer leaves out
    the fields a denial or an approval request reads, and goes back to it."""
    workflows, agents = shipped_definitions()
    escalation = workflows["customer_escalation"]
    (example,) = [e for e in escalation.examples if e.name == "large_credit_needs_vp_and_finance"]
    context = json.loads(json.dumps(example.context))
    context["discount"]["amount"] = amount
    with chat_completions_server() as (url, script):
        script.replies += [Reply(completion(ROUTING)), Reply(completion('{"decision": "allow"}')),
                           Reply(completion(json.dumps(ALLOW)))]
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
    assert "policy_id" in json.dumps(script.requests[2]["messages"][-1])  # the repair names what was missing
    assert view.context["policy"] == ALLOW
    assert (view.status, view.state) == ("running", approval)
    assert pending == [approval]
