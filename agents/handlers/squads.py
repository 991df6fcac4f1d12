"""The squad leads: the Sales Squad Lead merges what its agents found, the Support Squad Lead summarises a
ticket's outcome, the Ops Squad Lead judges a breach's impact on the accounts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from agents.handlers.agent_run import AgentFunction, AgentRun
from agents.handlers.input_schema import Schema, anything, identifier, json_object, list_of, number, takes, text
from agents.handlers.ops_rules import breach_severity

__all__ = ["ACTIONS", "INPUTS", "RENEWAL_HORIZON_DAYS"]

RENEWAL_HORIZON_DAYS = 90
CLOSED_STAGES = frozenset({"closed_won", "closed_lost", "won", "lost"})
MEMORY_TTL_S = 30 * 86400
ESCALATIONS_TTL_S = 8 * 86400  # a day's list of escalations, kept a week for the Ops Squad to look back on


def escalations_key(day: date) -> str:
    """The Support Squad's list of one day's escalated tickets, in its `support_squad` memory namespace."""
    return f"escalations:{day.isoformat()}"


def aggregate_lead_profile(run: AgentRun) -> dict[str, Any]:
    """The lead with the research and history merged in; each enriched field says where it came from (the
    lead's own answer first, then the CRM, then the web)."""
    lead = dict(run.arg("lead", {}))
    research = run.arg("research", {})
    history = run.arg("history", {})
    company = research.get("company_profile", {})
    sources = {key: "lead" for key in ("company_size", "title", "use_case", "timeline_days") if lead.get(key)
               is not None}
    if lead.get("company_size") is None and company.get("employee_count") is not None:
        lead["company_size"] = company["employee_count"]
        sources["company_size"] = company.get("sources", {}).get("employee_count", "research")
    return {**lead, "industry": company.get("industry"), "existing_customer": bool(history.get("existing_customer")),
            "open_deals": len(history.get("open_deals", [])), "decision_makers": research.get("decision_makers", []),
            "tech_stack": research.get("tech_stack", []),
            "enrichment_confidence": research.get("enrichment_confidence", 0.0), "sources": sources}


def summarise_ticket_outcome(run: AgentRun) -> dict[str, Any]:
    ticket_id = str(run.arg("ticket_id", ""))
    classification = run.arg("classification", {})
    resolution = run.arg("resolution", "escalated")
    if resolution == "deflected":
        what = (f"deflected with {run.arg('article_id')} (QA {run.arg('qa_score')}/10); the ticket is solved")
    else:
        what = f"escalated to a person: {run.arg('reason') or 'no reason recorded'}"
    summary = (f"Ticket {ticket_id} ({classification.get('priority')}, {classification.get('category')}) was {what}.")
    run.call("helpdesk.tickets.update", ticket_id=ticket_id, tags=[f"squad:{resolution}"])
    run.call("memory.set", scope="support_squad", key=f"ticket:{ticket_id}", ttl_s=MEMORY_TTL_S,
             tenant=run.request.tenant,
             value={"resolution": resolution, "summary": summary, "instance_id": run.request.instance_id})
    if resolution == "escalated":  # the Ops Squad reads the day's list (a retried attempt may add it twice)
        day = datetime.fromtimestamp(run.clock.now(), UTC).date()
        run.call("memory.append", scope="support_squad", key=escalations_key(day), ttl_s=ESCALATIONS_TTL_S,
                 tenant=run.request.tenant,
                 value={"ticket_id": ticket_id, "priority": classification.get("priority"),
                        "category": classification.get("category"), "instance_id": run.request.instance_id})
    return {"resolution": resolution, "summary": summary}


def _renewal_due(deal: dict[str, Any], today: date) -> bool:
    """An open deal with no close date, or one closing within the horizon (or overdue and still open)."""
    if deal["stage"] in CLOSED_STAGES:
        return False
    if not deal.get("close_date"):
        return True
    return date.fromisoformat(deal["close_date"]) <= today + timedelta(days=RENEWAL_HORIZON_DAYS)


def assess_breach_impact(run: AgentRun) -> dict[str, Any]:
    """Accounts at risk: breached enterprise accounts, or ones with an open deal or renewal within 90 days."""
    breaches = list(run.arg("sla", {}).get("breaches", []))
    today = datetime.fromtimestamp(run.clock.now(), UTC).date()
    at_risk = []
    for name in sorted({str(b["account"]) for b in breaches if b.get("account")}):
        account = run.find("crm.accounts.read", name=name)
        if account is None:
            continue
        company = account["account"]
        due = [d for d in account["deals"] if _renewal_due(d, today)]
        reasons = (["enterprise account"] if company["tier"] == "enterprise" else []) + [
            f"{d['name']} ({d['stage']}, closes {d['close_date']})" for d in due]
        if reasons:
            at_risk.append({"account": name, "company_id": company["id"], "tier": company["tier"],
                            "owner": company["owner"], "reasons": reasons, "open_deals": [d["id"] for d in due]})
    severity = breach_severity(breaches, enterprise_affected=any(a["tier"] == "enterprise" for a in at_risk))
    escalated = _escalated_today(run, today)
    actions = ["Reply to the breached tickets now and keep the requesters informed."]
    if at_risk:
        actions.append("Tell each account owner, with the breach and this plan, before the customer escalates.")
    if escalated:
        urgent = sorted(e["ticket_id"] for e in escalated if e.get("priority") == "P1")
        actions.append(f"The Support Squad escalated {len(escalated)} ticket(s) today"
                       + (f", P1: {', '.join(urgent)}" if urgent else "") + "; staff the responders with them in mind.")
    if severity in ("high", "critical"):
        actions.append("Add a responder to the team's first-response rota for the next 48 hours.")
    return {"severity": severity, "accounts_at_risk": at_risk, "account_escalation_needed": bool(at_risk),
            "recommended_actions": actions, "breach_count": len(breaches), "support_escalations_today": len(escalated),
            "similar_incidents": len(run.arg("history", {}).get("similar_incidents", []))}


def _escalated_today(run: AgentRun, today: date) -> list[dict[str, Any]]:
    """What the Support Squad escalated today, from its memory namespace; one entry per ticket."""
    listed = run.call("memory.get_list", scope="support_squad", key=escalations_key(today),
                      tenant=run.request.tenant)["items"]
    return list({e["ticket_id"]: e for e in listed if isinstance(e, dict) and e.get("ticket_id")}.values())


ACTIONS: dict[str, AgentFunction] = {
    "aggregate_lead_profile": aggregate_lead_profile,
    "summarise_ticket_outcome": summarise_ticket_outcome,
    "assess_breach_impact": assess_breach_impact,
}

INPUTS: dict[str, Schema] = {
    "aggregate_lead_profile": takes({
        "lead": json_object("The lead (extract_lead's), which the research and history are merged into."),
        "research": json_object("enrich_company's result: company_profile, decision_makers, tech_stack, ...", {
            "company_profile": json_object("Employee count, industry and their sources.")}),
        "history": json_object("get_account_history's result: existing_customer, open_deals."),
    }, required=["lead"]),
    "summarise_ticket_outcome": takes({
        "ticket_id": identifier("The helpdesk ticket."),
        "classification": json_object("classify_ticket's result: priority, category."),
        "resolution": text("deflected or escalated (the default)."),
        "qa_score": anything("The reply's QA score, when deflected."),
        "article_id": anything("The article that answered it, when deflected."),
        "reason": anything("Why it was escalated."),
    }, required=["ticket_id"]),
    "assess_breach_impact": takes({
        "sla": json_object("check_sla_compliance's result: the breaches whose accounts are assessed.", {
            "breaches": list_of(json_object("A breach: account, actual_minutes, target_minutes.", {
                "actual_minutes": number("Minutes taken."), "target_minutes": number("The target.")},
                required=["actual_minutes", "target_minutes"]), "The breaches.")}),
        "history": json_object("find_historical_context's result: similar_incidents."),
    }),
}
