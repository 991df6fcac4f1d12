"""The Support Concierge: read and triage a ticket, draft and send a solution, or escalate it to a person with
the full context (summary, account details, similar past tickets, suggested next steps)."""

from __future__ import annotations

from typing import Any

from agents.handlers.agent_run import AgentFunction, AgentRun, invalid
from agents.handlers.input_schema import Schema, anything, identifier, json_object, list_of, nullable, takes, text
from agents.handlers.triage_rules import triage

__all__ = ["ACTIONS", "INPUTS", "NEXT_STEPS"]

NEXT_STEPS = {
    "account": "Verify the requester's identity, then unlock or reset the account under Settings > Users.",
    "billing": "Check the invoices and payment history; a refund or credit needs a billing admin.",
    "integrations": "Reproduce the integration call and check its credentials, signature and logs.",
    "performance": "Check the status page and latency dashboards; attach traces of the affected requests.",
    "product": "Reproduce it in a test workspace; log a feature request if the product cannot do it yet.",
    "security": "Follow the security incident runbook with the on-call security engineer.",
    "other": "Read the full ticket and ask the requester for what is missing.",
}
ESCALATION_NOTICE = ("Thank you for your patience. A specialist from our support team has your ticket now and "
                     "will reply shortly.")


def _requester(run: AgentRun, email: str | None) -> dict[str, Any]:
    if not email:
        return {"email": None, "name": None, "title": None, "contact_id": None}
    found = run.call("crm.contacts.search", email=email, limit=1)["matches"]
    contact = found[0] if found else {}
    return {"email": email.lower(), "name": contact.get("name"), "title": contact.get("title"),
            "contact_id": contact.get("id")}


def _account(run: AgentRun, email: str | None, company: str | None) -> dict[str, Any]:
    """The requester's company: by name when known, else by the email's domain."""
    matches: list[dict[str, Any]] = []
    if company:
        matches = run.call("crm.companies.search", name=company, limit=1)["matches"]
    if not matches and email and "@" in email:
        matches = run.call("crm.companies.search", domain=email.rsplit("@", 1)[1], limit=1)["matches"]
    if not matches:
        return {"company": company, "company_id": None, "tier": None, "arr": None, "support_team": None,
                "owner": None}
    found = matches[0]
    return {"company": found["name"], "company_id": found["id"], "tier": found["tier"], "arr": found["arr_usd"],
            "support_team": found["support_team"], "owner": found["owner"]}


def _ticket(run: AgentRun, ticket_id: str, requester_email: str | None = None) -> dict[str, Any]:
    """The helpdesk ticket; a request that arrived with its text but is not in the helpdesk yet is opened."""
    found = run.find("helpdesk.tickets.read", ticket_id=ticket_id)
    if found is not None:
        return dict(found["ticket"])
    context = run.request.context
    subject = str(context.get("subject") or "")
    if not subject:
        raise invalid(f"ticket '{ticket_id}' is not in the helpdesk and the request carries no subject")
    email = requester_email or context.get("requester_email") or None
    account = _account(run, email, None)
    created = run.call("helpdesk.tickets.create", ticket_id=ticket_id, subject=subject,
                       description=str(context.get("description") or ""), requester_email=email,
                       company=account["company"], team=account["support_team"])
    return dict(created["ticket"])


def read_ticket(run: AgentRun) -> dict[str, Any]:
    ticket_id = str(run.arg("ticket_id", ""))
    ticket = _ticket(run, ticket_id, run.arg("requester_email") or None)
    email = run.arg("requester_email") or ticket.get("requester_email")
    account = _account(run, email, ticket.get("company"))
    history = run.call("helpdesk.tickets.search", requester_email=email, limit=10)["tickets"] if email else []
    if account["company"]:
        history += run.call("helpdesk.tickets.search", company=account["company"], limit=10)["tickets"]
    recent = {t["id"]: {"id": t["id"], "subject": t["subject"], "priority": t["priority"], "status": t["status"]}
              for t in history if t["id"] != ticket_id}
    return {"ticket_id": ticket_id, "subject": ticket["subject"], "status": ticket["status"],
            "requester": _requester(run, email), "account": account, "recent_tickets": list(recent.values())}


def classify_ticket(run: AgentRun) -> dict[str, Any]:
    ticket_id = str(run.arg("ticket_id", ""))
    subject, description = str(run.arg("subject", "")), str(run.arg("description", ""))
    if not subject.strip():
        raise invalid("a ticket without a subject cannot be triaged")
    _ticket(run, ticket_id)
    result = triage(subject, description)
    run.call("helpdesk.tickets.update", ticket_id=ticket_id, priority=result.priority, category=result.category,
             status="open", tags=[f"triage:{result.priority}", result.category])
    return result.as_dict()


def draft_response(run: AgentRun) -> dict[str, Any]:
    article = run.arg("article")
    if not isinstance(article, dict) or not article.get("content"):
        raise invalid("draft_response needs the article to answer from")
    requester = run.arg("requester") or {}
    name = (requester.get("name") or "").split(" ")[0] or "there"
    link = article.get("url") or ""
    body = (f"Hello {name},\n\n"
            f"I'm sorry for the trouble with \"{run.arg('subject', 'your request')}\". Here is what resolves it:\n\n"
            f"{article['content']}\n\n"
            + (f"The full article is here: {link}\n\n" if link else "")
            + "If this does not solve it, reply to this message and we will take it from there.\n\n"
            "Best regards,\nThe support team")
    return {"body": body, "article_id": article.get("article_id"), "url": link}


def respond_with_solution(run: AgentRun) -> dict[str, Any]:
    ticket_id = str(run.arg("ticket_id", ""))
    solution = str(run.arg("solution", ""))
    if not solution.strip():
        raise invalid("there is no solution to send")
    comment = run.call("helpdesk.comments.add", ticket_id=ticket_id, body=solution, public=True,
                       author="support_concierge", idempotency_key=run.key("solution"))["comment"]
    status = run.arg("status", "solved")
    ticket = run.call("helpdesk.tickets.update", ticket_id=ticket_id, status=status,
                      tags=["deflected", str(run.arg("article_id", "no-article"))])["ticket"]
    return {"comment_id": comment["id"], "status": ticket["status"], "article_id": run.arg("article_id")}


def _handover(run: AgentRun, ticket: dict[str, Any], account: dict[str, Any], similar: list[dict[str, Any]],
              past: list[dict[str, Any]]) -> str:
    priority, category = run.arg("priority", "P3"), run.arg("category", "other")
    steps = ("Page the on-call engineer now. " if priority == "P1" else "") + NEXT_STEPS.get(category,
                                                                                              NEXT_STEPS["other"])
    draft = run.arg("draft")
    return "\n".join([
        f"Escalated ({priority}, {category}): {run.arg('reason') or 'needs a person'}.",
        f"Summary: {run.arg('summary') or ticket.get('subject')}",
        f"Requester: {ticket.get('requester_email') or 'unknown'}; account: {account.get('company') or 'unknown'} "
        f"(tier {account.get('tier') or 'unknown'}, ARR {account.get('arr') or 'unknown'}).",
        "Similar past tickets: " + (", ".join(f"{t['id']} {t['subject']} ({t['status']})" for t in past) or "none"),
        "Related articles: " + (", ".join(f"{a.get('article_id')} ({a.get('score')})" for a in similar) or "none"),
        *([f"Draft that did not pass QA: {draft.get('body', '')[:300]}"] if isinstance(draft, dict) else []),
        f"Suggested next steps: {steps}",
    ])


def escalate_to_human(run: AgentRun) -> dict[str, Any]:
    ticket_id = str(run.arg("ticket_id", ""))
    ticket = _ticket(run, ticket_id, run.arg("requester_email") or None)
    email = run.arg("requester_email") or ticket.get("requester_email")
    account = _account(run, email, ticket.get("company"))
    past = [t for t in run.call("helpdesk.tickets.search", company=account["company"], limit=5)["tickets"]
            if t["id"] != ticket_id] if account["company"] else []
    priority = run.arg("priority") or ticket.get("priority") or "P3"
    team = account["support_team"] or ticket.get("team") or "support"
    assignee = f"{team}:on-call" if priority == "P1" else f"{team}:tier2"
    note = _handover(run, ticket, account, list(run.arg("similar_articles", [])), past)
    run.call("helpdesk.tickets.update", ticket_id=ticket_id, status="escalated", priority=priority,
             assignee=assignee, tags=["escalated"])
    internal = run.call("helpdesk.comments.add", ticket_id=ticket_id, body=note, public=False,
                        author="support_concierge", idempotency_key=run.key("handover"))["comment"]
    public = run.call("helpdesk.comments.add", ticket_id=ticket_id, body=ESCALATION_NOTICE, public=True,
                      author="support_concierge", idempotency_key=run.key("notice"))["comment"]
    paged = None
    if priority == "P1":
        paged = run.call("slack.notify", channel=f"#{team}-oncall", text=f"P1 ticket {ticket_id}: {ticket['subject']}",
                         details={"ticket_id": ticket_id, "assignee": assignee},
                         idempotency_key=run.key("page"))["message"]["id"]
    return {"ticket_id": ticket_id, "status": "escalated", "assignee": assignee, "priority": priority,
            "internal_note_id": internal["id"], "public_comment_id": public["id"], "paged": paged,
            "past_tickets": [t["id"] for t in past]}


ACTIONS: dict[str, AgentFunction] = {
    "read_ticket": read_ticket,
    "classify_ticket": classify_ticket,
    "draft_response": draft_response,
    "respond_with_solution": respond_with_solution,
    "escalate_to_human": escalate_to_human,
}

_TICKET_ID = "The helpdesk ticket."
INPUTS: dict[str, Schema] = {
    "read_ticket": takes({
        "ticket_id": identifier(f"{_TICKET_ID} One not in the helpdesk is opened from the request's context."),
        "requester_email": text("Who opened it, over the ticket's own requester."),
    }, required=["ticket_id"]),
    "classify_ticket": takes({
        "ticket_id": identifier(_TICKET_ID),
        "subject": text("The ticket's subject line."),
        "description": text("The ticket's body."),
    }, required=["ticket_id", "subject"]),
    "draft_response": takes({
        "article": json_object("The knowledge article to answer from (a search_knowledge match).", {
            "content": text("The answer text.", minLength=1), "url": nullable(text("Where the requester can read it.")),
            "article_id": anything("The article's id.")}, required=["content"]),
        "requester": json_object("Who asked: their name greets them.", {"name": nullable(text("Their name."))}),
        "subject": anything("The ticket's subject line."),
    }, required=["article"]),
    "respond_with_solution": takes({
        "ticket_id": identifier(_TICKET_ID),
        "solution": text("The public reply."),
        "status": text("The ticket's status afterwards (default solved)."),
        "article_id": anything("The article the reply is based on."),
    }, required=["ticket_id", "solution"]),
    "escalate_to_human": takes({
        "ticket_id": identifier(_TICKET_ID),
        "priority": text("P1-P4 (default: the ticket's, else P3); P1 pages the on-call engineer."),
        "category": text("The ticket's category: the suggested next steps."),
        "summary": anything("For the handover note."),
        "reason": anything("Why a person takes over."),
        "requester_email": text("Who opened it, over the ticket's own requester."),
        "similar_articles": list_of(json_object("A search_knowledge match."), "Articles related to the ticket."),
        "draft": anything("A draft reply that did not pass QA (an object with a body), quoted in the note."),
    }, required=["ticket_id"]),
}
