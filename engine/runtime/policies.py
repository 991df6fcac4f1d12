"""The Policy Officer's rules, evaluated purely: the first rule whose condition holds decides.

A condition that cannot be evaluated denies (fail closed), with the expression error as the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.definition import Policy
from engine.definition.expressions import ExpressionError
from engine.runtime.variables import evaluate

__all__ = ["ALLOW", "DENY", "REQUIRE_APPROVAL", "PolicyDecision", "evaluate_policies"]

ALLOW = "allow"
DENY = "deny"
REQUIRE_APPROVAL = "require_approval"


@dataclass(frozen=True, slots=True)
class PolicyDecision:
    """One rule checked: whether its condition held, and the outcome it then imposes."""

    policy: str
    matched: bool
    outcome: str
    reason: str | None = None
    action_required: str | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"policy": self.policy, "matched": self.matched, "outcome": self.outcome}
        for name in ("reason", "action_required", "error"):
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        return found


def evaluate_policies(
    policies: Sequence[Policy], scope: dict[str, Any]
) -> tuple[tuple[PolicyDecision, ...], PolicyDecision | None]:
    """Every rule checked in order up to the first that holds; (all decisions, the deciding one or None)."""
    decisions: list[PolicyDecision] = []
    for policy in policies:
        try:
            value = evaluate(policy.condition, scope)
        except ExpressionError as exc:
            decided = PolicyDecision(policy.id, True, DENY, f"the policy could not be evaluated: {exc.message}",
                                     policy.action_required, exc.message)
            decisions.append(decided)
            return tuple(decisions), decided
        if value is True:
            decided = PolicyDecision(policy.id, True, policy.outcome, policy.reason, policy.action_required)
            decisions.append(decided)
            return tuple(decisions), decided
        decisions.append(PolicyDecision(policy.id, False, ALLOW))
    return tuple(decisions), None
