"""`policies.evaluate`: the Policy Officer's rules of a workflow, applied at one of its states.

The rules are the workflow's `policies` whose `applies_at` names the state, in the order written; the first
whose CEL condition holds decides (`deny`, `require_approval` or `allow`), none holding allows. A condition
that cannot be evaluated denies, fail closed, like the engine's own policy gate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agents.tools.errors import ToolError
from engine.definition import Policy, Workflow
from engine.definition.expressions import ExpressionError, evaluate

__all__ = ["WorkflowPolicies", "decision_of"]

Json = dict[str, Any]


def decision_of(policy: Policy | None, *, error: str | None = None) -> Json:
    """The contract of `check_policy`: {decision, policy_id, reason, action_required, approvers}."""
    if policy is None:
        return {"decision": "allow", "policy_id": None, "reason": None, "action_required": None, "approvers": None}
    return {
        "decision": "deny" if error else policy.outcome,
        "policy_id": policy.id,
        "reason": f"the policy could not be evaluated: {error}" if error else policy.reason,
        "action_required": policy.action_required,
        "approvers": policy.approvers.model_dump() if policy.approvers and not error else None,
    }


class WorkflowPolicies:
    """Implements `agents.tools.interface.Policies` over known workflow definitions."""

    def __init__(self, workflows: Mapping[str, Workflow]) -> None:
        self._workflows = dict(workflows)

    def evaluate(self, *, workflow_id: str, state: str, variables: dict[str, Any]) -> Json:
        """The first rule applying at `state` whose condition holds, and every rule checked up to it."""
        workflow = self._workflows.get(workflow_id)
        if workflow is None:
            raise ToolError("policies.evaluate", "not_found", f"no workflow '{workflow_id}' is known")
        checked: list[Json] = []
        for policy in workflow.policies:
            if state not in policy.applies_at:
                continue
            try:
                holds = evaluate(policy.condition, variables) is True
            except ExpressionError as exc:
                checked.append({"policy_id": policy.id, "holds": None, "error": exc.message})
                return {**decision_of(policy, error=exc.message), "checked": checked}
            checked.append({"policy_id": policy.id, "holds": holds})
            if holds:
                return {**decision_of(policy), "checked": checked}
        return {**decision_of(None), "checked": checked}
