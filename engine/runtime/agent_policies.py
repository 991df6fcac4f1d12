"""An agent's policies on entering a task that names it: `approval_required` holds the task at an approval gate
before its action runs, `budget_limit` must be covered by the tenant's remaining monthly budget, and
`timeout_seconds` bounds each attempt. The action's cost is checked against `budget_limit` when it finishes
(`engine.runtime.action_jobs`)."""

from __future__ import annotations

from typing import Any

from engine.definition import Agent
from engine.runtime.effects import RequestApproval, RunAction
from engine.runtime.snapshot import AgentLookup

__all__ = ["AGENT_GATE", "DEFAULT_APPROVER_ROLE", "agent_gate", "agent_timeout", "budget_refusal"]

AGENT_GATE = "agent"  # the kind of the approval an agent's `approval_required` opens
DEFAULT_APPROVER_ROLE = "approver"


def agent_gate(state_id: str, agent: Agent, action: RunAction) -> RequestApproval:
    """The approval a person gives before `agent` performs `action`."""
    approvers = agent.policies.approvers
    users = tuple(approvers.users) if approvers is not None else ()
    roles = tuple(approvers.roles) if approvers is not None else (DEFAULT_APPROVER_ROLE,)
    if not users and not roles:
        roles = (DEFAULT_APPROVER_ROLE,)
    request = {"agent": agent.id, "agent_name": agent.name, "agent_version": agent.version,
               "action": action.action, "input": action.input,
               "reason": f"{agent.name} requires a person's approval before each of its actions"}
    return RequestApproval(state_id, AGENT_GATE, users, roles, 1, request)


def budget_refusal(agent: Agent, lookup: AgentLookup) -> dict[str, Any] | None:
    """The error that stops the task when the tenant's remaining budget cannot cover the agent's limit. Workforce
    agents (the Policy Officer, the Cost Sentinel, the Commander) are not stopped: they are the ones that decide
    what happens to a tenant short of budget, so they must run when it is; their cost is still bounded after."""
    limit = agent.policies.budget_limit
    if limit is None or agent.level == "workforce":
        return None
    remaining = lookup.remaining_budget()
    if remaining is None:
        return None
    held = lookup.budget_held() if remaining >= limit else 0.0  # read only when the remainder alone would do
    if remaining - held >= limit:
        return None
    found: dict[str, Any] = {"kind": "budget_exceeded", "agent": agent.id, "budget_limit": limit,
                             "remaining": round(remaining, 6)}
    if held:
        found["held"] = round(held, 6)
        found["message"] = (f"the tenant's remaining budget ({remaining:.4f}, of which {held:.4f} is held by tasks "
                            f"queued or running under agents) does not cover the budget limit of {agent.name} "
                            f"({limit:g}) for one task")
    else:
        found["message"] = (f"the tenant's remaining budget ({remaining:.4f}) does not cover the budget limit of "
                            f"{agent.name} ({limit:g}) for one task")
    return found


def agent_timeout(timeout_s: float | None, agent: Agent) -> float | None:
    """A task's timeout as its agent bounds it: the shorter of the two (`timeout_seconds`)."""
    limit = agent.policies.timeout_seconds
    if limit is None:
        return timeout_s
    return min(timeout_s, float(limit)) if timeout_s else float(limit)
