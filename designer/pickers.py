"""The lists the designer's pickers offer, from the engine's catalog (what deploy checks against): registered
actions (with the shape deployed tasks give them), deployed agents with their policies, deployed workflows for
subflows."""

from __future__ import annotations

from typing import Any

from designer.schemas.catalog import ActionEntry, ActionUse, AgentEntry, AgentPolicySummary, WorkflowEntry
from engine.definition import Workflow
from engine.definition.states import TaskState
from engine.runtime.context_schema import schema_at
from engine.validation.catalog import Catalog

__all__ = ["action_entries", "agent_entries", "workflow_entries"]


def _property(workflow: Workflow, path: str | None) -> dict[str, Any] | None:
    return None if path is None else schema_at(workflow.context, path)


def _uses(workflows: dict[str, Workflow]) -> dict[str, list[ActionUse]]:
    uses: dict[str, list[ActionUse]] = {}
    for workflow_id in sorted(workflows):
        workflow = workflows[workflow_id]
        for state_id, state in workflow.states.items():
            if isinstance(state, TaskState):
                use = ActionUse(
                    workflow_id=workflow_id,
                    state=state_id,
                    input=dict(state.input),
                    output=state.output,
                    output_schema=_property(workflow, state.output),
                )
                uses.setdefault(state.action, []).append(use)
    return uses


def action_entries(catalog: Catalog) -> list[ActionEntry]:
    """Every registered action, sorted, with the agents performing it and the deployed tasks that run it (none
    when the catalog does not know the registered actions)."""
    uses = _uses(catalog.workflows)
    performers: dict[str, list[str]] = {}
    for agent in catalog.agents.values():
        for action in agent.actions:
            performers.setdefault(action, []).append(agent.id)
    return [
        ActionEntry(name=name, agents=sorted(performers.get(name, [])), uses=uses.get(name, []),
                    input_schema=catalog.action_inputs.get(name))
        for name in sorted(catalog.actions or ())
    ]


def agent_entries(catalog: Catalog) -> list[AgentEntry]:
    return [
        AgentEntry(
            id=agent.id,
            name=agent.name,
            type=agent.type,
            level=agent.level,
            actions=list(agent.actions),
            policies=AgentPolicySummary.model_validate(agent.policies.model_dump(mode="json")),
        )
        for agent in sorted(catalog.agents.values(), key=lambda a: a.id)
    ]


def workflow_entries(catalog: Catalog) -> list[WorkflowEntry]:
    workflows = catalog.workflows
    found = []
    for workflow_id in sorted(workflows):
        workflow = workflows[workflow_id]
        required = workflow.context.get("required", []) if isinstance(workflow.context, dict) else []
        found.append(
            WorkflowEntry(
                id=workflow_id,
                title=workflow.title,
                latest_version=workflow.version,
                description=workflow.description,
                required_context=[str(k) for k in required] if isinstance(required, list) else [],
            )
        )
    return found
