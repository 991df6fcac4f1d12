"""The engine seen as a tool: publishing events, starting and reading workflows, budgets and spend.

`EngineWorkforce` implements `agents.tools.interface.Workforce` through the embedding API an application
uses (`Engine.publish`, `start`, `get`, `history`, `list_instances`, `budget`), nothing internal. The spend of
an instance is read from its history (each transition that finished an action carries the action's cost) and
from its children's (subflows and parallel branches), and each amount is attributed to the agent the state
names in the workflow's definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, Protocol

from agents.tools.errors import ToolError
from engine import StatewrightError
from engine.definition import MapState, ParallelState, State, TaskState, Workflow

__all__ = ["EngineApi", "EngineWorkforce", "agents_by_state"]

Json = dict[str, Any]


class EngineApi(Protocol):
    """The part of `engine.runtime.engine.Engine` the workforce tools use."""

    def publish(self, event_type: str, payload: Any = None, *, correlation_key: str | None = None,
                tenant: str = "default", idempotency_key: str | None = None) -> Any: ...

    def start(self, workflow_id: str, context: dict[str, Any] | None = None, *, version: int | None = None,
              tenant: str = "default", idempotency_key: str | None = None, actor: str | None = None) -> Any: ...

    def get(self, instance_id: str) -> Any: ...

    def history(self, instance_id: str) -> list[Any]: ...

    def list_instances(self, *, tenant: str | None = None, workflow_id: str | None = None, status: str | None = None,
                       state: str | None = None, parent_id: str | None = None, top_level_only: bool = False,
                       limit: int = 50, offset: int = 0) -> list[Any]: ...

    def budget(self, tenant: str = "default") -> dict[str, Any]: ...

    def cost_totals(self, tenant: str = "default", *, by: str = "workflow_id",
                    month: str | None = None) -> list[Any]: ...


def agents_by_state(workflow: Workflow) -> dict[str, str]:
    """Each task state's agent, branches included (a branch's states are named within the branch)."""
    found: dict[str, str] = {}

    def walk(states: Mapping[str, State]) -> None:
        for state_id, state in states.items():
            if isinstance(state, TaskState) and state.agent:
                found[state_id] = state.agent
            elif isinstance(state, ParallelState):
                for branch in state.branches:
                    walk(branch.states)
            elif isinstance(state, MapState) and state.iterator is not None:
                walk(state.iterator.states)

    walk(workflow.states)
    return found


def _view(instance: Any) -> Json:
    return {"id": instance.id, "workflow_id": instance.workflow_id, "tenant": instance.tenant, "state": instance.state,
            "status": instance.status, "result": instance.result, "error": instance.error,
            "parent_id": instance.parent_id}


class EngineWorkforce:
    """Implements `agents.tools.interface.Workforce` over an engine and the known workflow definitions."""

    def __init__(self, engine: EngineApi, workflows: Mapping[str, Workflow]) -> None:
        self.engine = engine
        self._agents = {workflow_id: agents_by_state(w) for workflow_id, w in workflows.items()}

    def publish(self, *, event_type: str, payload: dict[str, Any], correlation_key: str | None = None,
                tenant: str = "default", idempotency_key: str | None = None) -> Json:
        """Publish an event: starts the workflows that start on it, wakes the instances waiting for it."""
        try:
            result = self.engine.publish(event_type, payload, correlation_key=correlation_key, tenant=tenant,
                                         idempotency_key=idempotency_key)
        except StatewrightError as exc:
            raise ToolError("events.publish", "unavailable", exc.detail) from exc
        return dict(asdict(result))

    def start_workflow(self, *, workflow_id: str, context: dict[str, Any], tenant: str = "default",
                       idempotency_key: str | None = None) -> Json:
        try:
            view = self.engine.start(workflow_id, context, tenant=tenant, idempotency_key=idempotency_key)
        except StatewrightError as exc:
            raise ToolError("workflows.start", "validation", exc.detail) from exc
        return {"instance": _view(view)}

    def workflow_status(self, *, instance_id: str, tenant: str | None = None) -> Json:
        """An instance's state and status; with `tenant`, one of another tenant is `not_found`."""
        try:
            view = self.engine.get(instance_id)
        except StatewrightError as exc:
            raise ToolError("workflows.status", "not_found", exc.detail) from exc
        if tenant is not None and view.tenant != tenant:
            raise ToolError("workflows.status", "not_found", f"no instance '{instance_id}'")
        return {"instance": _view(view)}

    def read_budget(self, *, tenant: str = "default") -> Json:
        """The tenant's month: {limit, spent, remaining, ratio, set, month}."""
        return dict(self.engine.budget(tenant))

    def _tree(self, instance_id: str) -> list[Any]:
        found = [self.engine.get(instance_id)]
        index = 0
        while index < len(found):
            found.extend(self.engine.list_instances(parent_id=found[index].id, limit=1000))
            index += 1
        return found

    def read_usage(self, *, instance_id: str, tenant: str | None = None) -> Json:
        """What an instance and all its children spent: per action, and totals by agent and workflow; with
        `tenant`, an instance of another tenant is `not_found`."""
        try:
            tree = self._tree(instance_id)
        except StatewrightError as exc:
            raise ToolError("billing.usage.read", "not_found", exc.detail) from exc
        if tenant is not None and tree[0].tenant != tenant:
            raise ToolError("billing.usage.read", "not_found", f"no instance '{instance_id}'")
        actions: list[Json] = []
        by_agent: dict[str, float] = {}
        by_workflow: dict[str, float] = {}
        for instance in tree:
            agents = self._agents.get(instance.workflow_id, {})
            for entry in self.engine.history(instance.id):
                if not entry.cost:
                    continue
                agent = agents.get(entry.from_state or "", "unattributed")
                actions.append({"instance_id": instance.id, "workflow_id": instance.workflow_id,
                                "state": entry.from_state, "agent": agent, "amount": entry.cost})
                by_agent[agent] = by_agent.get(agent, 0.0) + entry.cost
                by_workflow[instance.workflow_id] = by_workflow.get(instance.workflow_id, 0.0) + entry.cost
        total = sum(a["amount"] for a in actions)
        ids = {i.id for i in tree}
        tokens = sum(t.tokens for t in self.engine.cost_totals(tree[0].tenant, by="instance_id") if t.key in ids)
        return {"instance_id": instance_id, "instances": [i.id for i in tree], "actions": actions,
                "total": round(total, 8), "tokens": tokens,
                "by_agent": {k: round(v, 8) for k, v in sorted(by_agent.items())},
                "by_workflow": {k: round(v, 8) for k, v in sorted(by_workflow.items())}}
