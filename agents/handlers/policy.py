"""The Policy Officer: applies the workflow's rules at a state and answers allow, deny (with the reason and the
action required) or require approval (with the approvers), through `policies.evaluate`."""

from __future__ import annotations

from typing import Any

from agents.handlers.agent_run import AgentFunction, AgentRun, invalid
from agents.handlers.input_schema import Schema, json_object, takes, text

__all__ = ["ACTIONS", "INPUTS"]


def check_policy(run: AgentRun) -> dict[str, Any]:
    """Rules see what the engine's own policy gate sees: the context's keys, `context`, `budget`, `instance`."""
    workflow, state = run.arg("workflow"), run.arg("state")
    if not workflow or not state:
        raise invalid("check_policy needs the workflow and the state whose rules apply")
    context = dict(run.request.context)
    budget = run.arg("budget")
    if budget is None:
        budget = run.call("budget.read", tenant=run.request.tenant)
    variables = {**context, "context": context, "budget": budget, "parameters": run.arg("parameters", {}),
                 "instance": {"id": run.request.instance_id, "workflow": run.request.workflow_id,
                              "tenant": run.request.tenant, "state": run.request.state}}
    decided = run.call("policies.evaluate", workflow_id=workflow, state=state, variables=variables)
    return {key: decided[key] for key in ("decision", "policy_id", "reason", "action_required", "approvers",
                                          "checked")}


ACTIONS: dict[str, AgentFunction] = {"check_policy": check_policy}

INPUTS: dict[str, Schema] = {
    "check_policy": takes({
        "workflow": text("The workflow whose policies apply."),
        "state": text("The state whose rules apply."),
        "budget": json_object("The tenant's budget the rules see; none: it is read."),
        "parameters": json_object("What the rules see as `parameters`."),
    }, required=["workflow", "state"]),
}
