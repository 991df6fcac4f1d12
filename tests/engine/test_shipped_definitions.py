"""Every shipped definition (definitions/workflows, definitions/agents) loads cleanly against the shipped
catalog, and the files agree with one another: agents named by tasks exist and list the actions they perform,
examples fit their workflow's context schema, subflows get the context their child requires, events a workflow
starts on are published by some flow, and the offline corpus is well formed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from definitions import AGENTS_DIR, ROOT, WORKFLOWS_DIR
from engine.definition import Agent, ParallelState, State, SubflowState, TaskState, Workflow
from engine.validation.catalog import Catalog
from engine.validation.loader import load_agent, load_catalog, load_workflow

WORKFLOW_FILES = sorted(WORKFLOWS_DIR.glob("*.json"))
AGENT_FILES = sorted(AGENTS_DIR.glob("*.json"))

# The design document's cast and flows: each must ship (a missing file would otherwise go unnoticed).
REQUIRED_AGENTS = {
    "bdr_concierge", "support_concierge", "research_recon", "ops_sapper", "knowledge_librarian", "qa_auditor",
    "sales_squad_lead", "support_squad_lead", "ops_squad_lead", "workflow_commander", "policy_officer",
    "cost_sentinel",
}
REQUIRED_WORKFLOWS = {
    "lead_qualification", "support_ticket_triage", "sales_squad", "support_squad", "ops_squad",
    "customer_escalation", "ops_sla_monitoring",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    loaded, problems = load_catalog(ROOT)
    assert problems == {}, problems
    return loaded


def _workflow(path: Path) -> Workflow:
    return Workflow.model_validate_json(path.read_text(encoding="utf-8"))


def _all_states(states: dict[str, State]) -> Iterator[tuple[str, State]]:
    """Every state, the states of parallel branches included (depth first)."""
    for sid, state in states.items():
        yield sid, state
        if isinstance(state, ParallelState):
            for branch in state.branches:
                yield from _all_states(branch.states)


def _tasks(workflow: Workflow) -> list[tuple[str, TaskState]]:
    return [(sid, s) for sid, s in _all_states(workflow.states) if isinstance(s, TaskState)]


def _errors(validator: Any, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.instance_path)) or '/'}: {e.message}" for e in validator.iter_errors(instance)]


def test_the_documented_cast_and_flows_all_ship(catalog: Catalog) -> None:
    assert set(catalog.agents) >= REQUIRED_AGENTS, REQUIRED_AGENTS - set(catalog.agents)
    assert set(catalog.workflows) >= REQUIRED_WORKFLOWS, REQUIRED_WORKFLOWS - set(catalog.workflows)
    assert len(catalog.workflows) == len(WORKFLOW_FILES)
    assert len(catalog.agents) == len(AGENT_FILES)


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.stem)
def test_workflow_loads_without_errors_and_explains_its_warnings(path: Path, catalog: Catalog) -> None:
    loaded = load_workflow(path, catalog)
    errors = [str(f) for f in loaded.findings if f.severity == "error"]
    assert loaded.ok, errors
    assert loaded.model is not None
    description = loaded.model.description or ""
    unexplained = [str(f) for f in loaded.findings if f.severity == "warning" and f.code not in description]
    assert not unexplained, "explain each remaining warning (by its code) in the workflow's description"


@pytest.mark.parametrize("path", AGENT_FILES, ids=lambda p: p.stem)
def test_agent_loads_without_findings(path: Path) -> None:
    loaded = load_agent(path)
    assert loaded.ok, [str(f) for f in loaded.findings]
    assert loaded.findings == []


@pytest.mark.parametrize("path", [*WORKFLOW_FILES, *AGENT_FILES], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_id_equals_file_name_and_schema_reference_resolves(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["id"] == path.stem
    kind = "agent" if path.parent == AGENTS_DIR else "workflow"
    assert document["$schema"] == f"../schema/{kind}.schema.json"
    assert (path.parent / document["$schema"]).resolve().is_file()


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.stem)
def test_examples_and_schedules_fit_the_context_schema(path: Path) -> None:
    workflow = _workflow(path)
    assert workflow.examples, "every workflow ships at least one named example"
    assert jsonschema_rs.meta.is_valid(workflow.context), "the context must be a valid JSON Schema"
    validator = jsonschema_rs.validator_for(workflow.context)
    for example in workflow.examples:
        assert not _errors(validator, example.context), (example.name, _errors(validator, example.context))
    for schedule in workflow.schedules:
        assert not _errors(validator, schedule.context), (schedule.id, _errors(validator, schedule.context))


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.stem)
def test_examples_expect_a_final_state_and_send_events_the_flow_handles(path: Path) -> None:
    workflow = _workflow(path)
    finals = set(workflow.final_states())
    triggers = {t.trigger for t in workflow.transitions if t.trigger}
    names = [example.name for example in workflow.examples]
    assert len(names) == len(set(names)), "example names are unique"
    for example in workflow.examples:
        assert example.expect_state in finals, (example.name, example.expect_state)
        unknown = [e.event for e in example.events if e.event not in triggers]
        assert not unknown, (example.name, unknown)
        assert all(e.actor for e in example.events if e.event in ("approve", "reject")), example.name


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.stem)
def test_tasks_name_existing_agents_that_list_the_action(path: Path, catalog: Catalog) -> None:
    for sid, task in _tasks(_workflow(path)):
        assert task.agent is not None, f"{sid}: every shipped task names the agent performing it"
        agent = catalog.agents.get(task.agent)
        assert agent is not None, f"{sid}: unknown agent {task.agent}"
        assert task.action in agent.actions, f"{sid}: {task.agent} does not list the action {task.action}"


def test_every_action_an_agent_lists_is_performed_in_some_flow(catalog: Catalog) -> None:
    performed = {(task.agent, task.action) for wf in catalog.workflows.values() for _, task in _tasks(wf)}
    unused = [(agent.id, action) for agent in catalog.agents.values() for action in agent.actions
              if (agent.id, action) not in performed]
    assert not unused, unused


@pytest.mark.parametrize("path", AGENT_FILES, ids=lambda p: p.stem)
def test_agent_policies_bound_their_tasks(path: Path, catalog: Catalog) -> None:
    """A task may not be given longer than its agent's own timeout allows."""
    agent = Agent.model_validate_json(path.read_text(encoding="utf-8"))
    assert agent.instructions.strip(), "every agent has a system prompt"
    assert agent.tools, "every agent has tools"
    limit = agent.policies.timeout_seconds
    assert limit is not None
    for workflow in catalog.workflows.values():
        for sid, task in _tasks(workflow):
            if task.agent == agent.id:
                assert task.timeout_s is not None, f"{workflow.id}/{sid}: tasks calling out set timeout_s"
                assert task.timeout_s <= limit, f"{workflow.id}/{sid}: {task.timeout_s}s > agent's {limit}s"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.stem)
def test_subflows_are_given_the_context_their_child_requires(path: Path, catalog: Catalog) -> None:
    for sid, state in _all_states(_workflow(path).states):
        if not isinstance(state, SubflowState):
            continue
        child = catalog.workflows[state.workflow]
        required = set(child.context.get("required", []))
        declared = set(child.context.get("properties", {}))
        assert required <= set(state.input), f"{sid}: missing {sorted(required - set(state.input))}"
        assert set(state.input) <= declared, f"{sid}: {sorted(set(state.input) - declared)} unknown to child"


def test_every_start_event_is_published_by_a_shipped_flow(catalog: Catalog) -> None:
    published = {task.action for wf in catalog.workflows.values() for _, task in _tasks(wf)}
    triggers = [(wf, trigger) for wf in catalog.workflows.values() for trigger in wf.starts_on]
    assert triggers, "the event-driven coordination of the design document is modelled somewhere"
    for workflow, trigger in triggers:
        assert f"publish_{trigger.event}" in published, (workflow.id, trigger.event)
        required = set(workflow.context.get("required", []))
        assert required <= set(trigger.context), (workflow.id, sorted(required - set(trigger.context)))
        assert set(trigger.context) <= set(workflow.context.get("properties", {})), workflow.id


def test_sales_squad_enriches_in_parallel_and_starts_on_lead_qualified() -> None:
    squad = _workflow(WORKFLOWS_DIR / "sales_squad.json")
    parallel = [s for s in squad.states.values() if isinstance(s, ParallelState)]
    assert len(parallel) == 1
    agents = {task.agent for branch in parallel[0].branches for task in branch.states.values()
              if isinstance(task, TaskState)}
    assert agents == {"research_recon", "ops_sapper"}
    assert [t.event for t in squad.starts_on] == ["lead_qualified"]


def test_sla_monitoring_is_started_every_fifteen_minutes() -> None:
    monitoring = _workflow(WORKFLOWS_DIR / "ops_sla_monitoring.json")
    assert "*/15 * * * *" in {s.cron for s in monitoring.schedules if s.enabled}


def _corpus(name: str) -> list[dict[str, Any]]:
    lines = (ROOT / "corpus" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_knowledge_articles_meet_the_librarians_standards() -> None:
    articles = _corpus("knowledge_articles")
    assert articles
    assert len({a["id"] for a in articles}) == len(articles)
    for article in articles:
        for field in ("category", "tags", "last_updated", "content"):
            assert article[field], (article["id"], field)
        assert article["source"].startswith("https://"), article["id"]


def test_corpus_records_referenced_by_examples_exist() -> None:
    """Examples cite corpus ids (CO-10, C-2001, support_emea, KB-101) in their descriptions; they must exist."""
    known = {r["id"] for r in _corpus("crm_records")} | {a["id"] for a in _corpus("knowledge_articles")}
    known |= {t["team"] for t in _corpus("ops_metrics")}
    cited = 0
    for path in WORKFLOW_FILES:
        for example in _workflow(path).examples:
            for token in (example.description or "").replace("(", " ").replace(")", " ").replace(",", " ").split():
                if token[:3] in ("CO-", "C-2", "KB-") or token.startswith("support_"):
                    cited += 1
                    assert token.rstrip(".;:") in known, (path.stem, example.name, token)
    assert cited > 0
