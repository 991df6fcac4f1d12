"""The Cost Sentinel: attributes an instance's spend (its subflows and branches included) to tenant, workflow,
instance and agent, sets it against the month's budget, and alerts the budget owner past the threshold."""

from __future__ import annotations

from typing import Any

from agents.handlers.agent_run import AgentFunction, AgentRun
from agents.handlers.input_schema import Schema, anything, number, takes

__all__ = ["ACTIONS", "BUDGET_OWNER", "COST_ATTRIBUTION", "INPUTS"]

COST_ATTRIBUTION = "cost_attribution"
BUDGET_OWNER = "finance@example.com"
FINANCE_CHANNEL = "#finance-alerts"


def attribute_cost(run: AgentRun) -> dict[str, Any]:
    instance_id = str(run.arg("instance_id") or run.request.instance_id)
    tenant = str(run.arg("tenant") or run.request.tenant)
    usage = run.call("billing.usage.read", instance_id=instance_id)
    budget = run.call("budget.read", tenant=tenant)
    attribution = {
        "tenant": tenant, "workflow": run.arg("workflow"), "instance_id": instance_id,
        "request_id": run.arg("request_id"), "squad": run.arg("squad"),
        "total": usage["total"], "tokens": usage["tokens"], "by_agent": usage["by_agent"],
        "by_workflow": usage["by_workflow"], "actions": len(usage["actions"]),
        "monthly_total": round(float(budget.get("spent") or 0.0), 8),
        "budget_set": bool(budget.get("set")), "budget_limit": float(budget.get("limit") or 0.0),
        "remaining_budget": round(float(budget.get("remaining") or 0.0), 8),
        "budget_used_ratio": round(float(budget.get("ratio") or 0.0), 4), "attributed": True,
    }
    run.call("analytics.record", dataset=COST_ATTRIBUTION, key=instance_id, data=attribution,
             row_id=run.key("attribution"))
    return attribution


def alert_budget_threshold(run: AgentRun) -> dict[str, Any]:
    tenant = str(run.arg("tenant") or run.request.tenant)
    total, limit = float(run.arg("monthly_total", 0)), float(run.arg("budget_limit") or 0)
    percentage = run.arg("percentage", 90)
    used = f"{total / limit:.0%}" if limit else "an unknown share"
    text = (f"Budget alert for tenant {tenant}: {total:,.4f} spent of {limit:,.4f} this month ({used}; the alert "
            f"threshold is {percentage}%).")
    posted = run.call("slack.notify", channel=FINANCE_CHANNEL, text=text, sender="cost_sentinel",
                      details={"tenant": tenant, "monthly_total": total, "budget_limit": limit},
                      idempotency_key=run.key("slack"))["message"]
    email = run.call("email.send", to=BUDGET_OWNER, sender="cost-sentinel@example.com", tag="budget_threshold",
                     subject=f"Tenant {tenant} passed {percentage}% of its monthly budget", body=text,
                     idempotency_key=run.key("email"))["email"]
    return {"tenant": tenant, "channel": posted["channel"], "message_id": posted["id"], "email_id": email["id"],
            "told": [FINANCE_CHANNEL, BUDGET_OWNER]}


ACTIONS: dict[str, AgentFunction] = {"attribute_cost": attribute_cost, "alert_budget_threshold": alert_budget_threshold}

INPUTS: dict[str, Schema] = {
    "attribute_cost": takes({
        "instance_id": anything("The instance whose spend is attributed (default: the task's own)."),
        "tenant": anything("The tenant whose budget it is set against (default: the task's)."),
        "workflow": anything("Kept with the attribution."),
        "request_id": anything("Kept with the attribution."),
        "squad": anything("Kept with the attribution."),
    }),
    "alert_budget_threshold": takes({
        "monthly_total": number("The tenant's spend this month (attribute_cost's monthly_total)."),
        "budget_limit": number("The month's budget; none: the share used is unknown."),
        "percentage": anything("The alert threshold, in percent (default 90)."),
        "tenant": anything("The tenant (default: the task's)."),
    }, required=["monthly_total"]),
}
