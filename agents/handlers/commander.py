"""The Workflow Commander: routes an incoming request to a squad, and applies the discount the approvers
authorised to the customer's open deal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from agents.handlers.agent_run import AgentFunction, AgentRun, invalid
from agents.handlers.input_schema import Schema, anything, identifier, json_object, takes, text
from agents.handlers.routing_rules import route_request

__all__ = ["ACTIONS", "INPUTS"]

CLOSED_STAGES = frozenset({"closed_won", "closed_lost", "won", "lost"})


def classify_request(run: AgentRun) -> dict[str, Any]:
    subject, description = str(run.arg("subject", "")), str(run.arg("description", ""))
    if not subject.strip():
        raise invalid("a request without a subject cannot be routed")
    routing = route_request(subject, description)
    customer = run.arg("customer") or {}
    who = f"{customer.get('name')} ({customer.get('tier')})" if customer.get("name") else "an unknown customer"
    summary = (f"{subject.strip()} from {who}. Routed to the {routing.squad} squad"
               + (f" on: {', '.join(routing.signals)}." if routing.signals else " by default."))
    return routing.as_dict(summary)


def apply_discount(run: AgentRun) -> dict[str, Any]:
    """Exactly the approved amount, once per request: a credit on the customer's open deal (or, without one, a
    credit note on the account), and an internal comment on the request's ticket when there is one."""
    request_id, customer_id = str(run.arg("request_id", "")), run.arg("customer_id")
    amount = run.arg("amount")
    if not isinstance(amount, int | float) or amount <= 0 or not customer_id:
        raise invalid("apply_discount needs the customer and a positive amount")
    approved_by = run.arg("approved_by") or "unknown approver"
    credit = {"request_id": request_id, "amount": amount, "currency": run.arg("currency", "USD"),
              "reason": run.arg("reason"), "approved_by": approved_by,
              "applied_at": datetime.fromtimestamp(run.clock.now(), UTC).isoformat(timespec="seconds")}
    account = run.call("crm.accounts.read", company_id=customer_id)
    open_deals = [d for d in account["deals"] if d["stage"] not in CLOSED_STAGES]
    text = (f"Credit of {amount:,.2f} {credit['currency']} for request {request_id} approved by {approved_by}: "
            f"{credit['reason']}")
    result: dict[str, Any] = {"request_id": request_id, "amount": amount, "currency": credit["currency"],
                              "approved_by": approved_by}
    if open_deals:
        updated = run.call("crm.deals.update", deal_id=open_deals[0]["id"], credit=credit)
        result.update(deal_id=open_deals[0]["id"], credit_applied=updated["credit_applied"])
    else:
        note = run.call("crm.notes.add", subject_type="company", subject_id=str(customer_id), body=text,
                        author="workflow_commander", idempotency_key=f"credit:{request_id}")["note"]
        result.update(deal_id=None, credit_note_id=note["id"])
    if run.find("helpdesk.tickets.read", ticket_id=request_id) is not None:
        comment = run.call("helpdesk.comments.add", ticket_id=request_id, body=text, public=False,
                           author="workflow_commander", idempotency_key=f"credit:{request_id}")["comment"]
        result["comment_id"] = comment["id"]
    return result


ACTIONS: dict[str, AgentFunction] = {"classify_request": classify_request, "apply_discount": apply_discount}

INPUTS: dict[str, Schema] = {
    "classify_request": takes({
        "subject": text("The request's subject line."),
        "description": text("The request's body."),
        "customer": json_object("The customer account: name, tier.")
    }, required=["subject"]),
    "apply_discount": takes({
        "request_id": identifier("The request: the credit is applied once per request."),
        "customer_id": text("The customer's CRM company id."),
        "amount": {"type": "number", "exclusiveMinimum": 0, "description": "The approved amount."},
        "currency": text("ISO 4217 (default USD)."),
        "reason": anything("Why."),
        "approved_by": anything("Who approved it."),
    }, required=["request_id", "customer_id", "amount"]),
}
