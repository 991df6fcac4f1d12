"""The BDR Concierge: extract and validate a lead, check the CRM for duplicates, score it, book the discovery
meeting (or hand it to a rep, or nurture the lead), record everything in the CRM, publish `lead_qualified`,
and tell account owners about breaches that put their accounts at risk."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from agents.handlers.agent_run import AgentFunction, AgentRun, invalid
from agents.handlers.input_schema import Schema, anything, integer, json_object, list_of, takes, text, whole_number
from agents.handlers.lead_rules import AUTHORITY_LEVELS, InvalidLead, extract_lead_fields, score_lead_against
from engine.runtime.actions import ActionError

__all__ = ["ACTIONS", "INPUTS", "SALES_INBOX"]

SALES_INBOX = "sales@example.com"  # who books by hand when the CRM knows no owner at all
STATUS_BY_DECISION = {"book": "qualified", "nurture": "nurture", "disqualify": "disqualified"}


def extract_lead(run: AgentRun) -> dict[str, Any]:
    try:
        return extract_lead_fields(run.input)
    except InvalidLead as exc:
        raise invalid(str(exc)) from exc


def search_crm_duplicates(run: AgentRun) -> dict[str, Any]:
    found = run.call("crm.contacts.search", email=run.arg("email", ""), limit=1)["matches"]
    if found:
        return {"duplicate": True, "contact_id": found[0]["id"], "owner": found[0]["owner"]}
    colleagues = run.call("crm.contacts.search", company=run.arg("company"), limit=10)["matches"] if run.arg(
        "company") else []
    return {"duplicate": False, "contact_id": None, "owner": None,
            "company_contacts": [c["id"] for c in colleagues]}


def add_crm_note(run: AgentRun) -> dict[str, Any]:
    contact_id = run.arg("contact_id")
    if not contact_id:
        raise invalid("add_crm_note needs the contact_id of the existing contact")
    note = run.call("crm.notes.add", subject_id=contact_id, body=run.arg("note", ""), subject_type="contact",
                    author="bdr_concierge", idempotency_key=run.key("note"))["note"]
    return {"note_id": note["id"], "contact_id": contact_id}


def score_lead(run: AgentRun) -> dict[str, Any]:
    lead = run.arg("lead")
    if not isinstance(lead, dict):
        raise invalid("score_lead needs the lead")
    try:
        return score_lead_against(lead, run.arg("criteria"))
    except (KeyError, ValueError) as exc:
        raise invalid(f"the scoring criteria are not usable: {exc}") from exc


def _owner_for(run: AgentRun, email: str, company: str | None) -> str:
    """The account's owner in the CRM; else a colleague's owner; else the reps the CRM knows, in turn by lead."""
    if company:
        companies = run.call("crm.companies.search", name=company, limit=1)["matches"]
        if companies and companies[0]["owner"]:
            return str(companies[0]["owner"])
        colleagues = run.call("crm.contacts.search", company=company, limit=10)["matches"]
        owners = [c["owner"] for c in colleagues if c["owner"]]
        if owners:
            return str(owners[0])
    reps = sorted({c["owner"] for c in run.call("crm.contacts.search", limit=500)["matches"] if c["owner"]})
    if not reps:
        return SALES_INBOX
    return str(reps[int(hashlib.sha256(email.encode()).hexdigest(), 16) % len(reps)])


def book_meeting(run: AgentRun) -> dict[str, Any]:
    email = str(run.arg("email", "")).lower()
    kind = run.arg("meeting_type", "discovery")
    held = run.call("calendar.events.search", attendee_email=email, kind=kind)["events"]
    if held:  # idempotent per lead: a retry, or a second flow for the same lead, gets the same meeting
        event = held[0]
        return {"meeting_id": event["id"], "starts_at": event["starts_at"], "ends_at": event["ends_at"],
                "owner": event["organizer"], "reused": True}
    company = run.arg("company")
    owner = _owner_for(run, email, company)
    minutes = int(run.arg("duration_minutes", 30))
    slots = run.call("calendar.availability.find", organizer=owner, duration_minutes=minutes,
                     within_days=int(run.arg("within_days", 10)), limit=1)["slots"]
    if not slots:
        raise ActionError("no_availability", f"{owner} has no free {minutes}-minute slot in the window",
                          retryable=False)
    who = run.arg("name") or email
    title = f"Discovery call: {company or who} and Statewright"
    event = run.call("calendar.events.create", title=title, organizer=owner, starts_at=slots[0]["starts_at"],
                     duration_minutes=minutes, attendees=[owner, email], kind=kind,
                     description=f"{kind.capitalize()} meeting with {who}.", idempotency_key=run.key("event"))["event"]
    invitation = run.call(
        "email.send", to=email, sender=owner, tag="meeting_invite", idempotency_key=run.key("invite"),
        subject=f"Your {kind} call with Statewright on {event['starts_at'][:10]}",
        body=(f"Hello {run.arg('name') or ''},\n\nthank you for your interest. I booked a {minutes}-minute {kind} "
              f"call for {event['starts_at']} (UTC); the calendar invitation follows.\n\nBest regards,\n{owner}"),
    )["email"]
    return {"meeting_id": event["id"], "starts_at": event["starts_at"], "ends_at": event["ends_at"], "owner": owner,
            "reused": False, "invitation_id": invitation["id"]}


def request_manual_booking(run: AgentRun) -> dict[str, Any]:
    email = str(run.arg("email", "")).lower()
    owner = _owner_for(run, email, run.arg("company"))
    sent = run.call(
        "email.send", to=owner, tag="manual_booking", idempotency_key=run.key("request"),
        subject=f"Please book a discovery call with {run.arg('name') or email}",
        body=(f"{run.arg('name') or email} ({email}, {run.arg('company') or 'company unknown'}) qualified with "
              f"{run.arg('score')} points, but the meeting could not be booked automatically: "
              f"{run.arg('reason') or 'unknown reason'}. Please book it by hand."),
    )["email"]
    return {"requested_from": owner, "email_id": sent["id"], "reason": run.arg("reason")}


def add_to_nurture(run: AgentRun) -> dict[str, Any]:
    email = str(run.arg("email", "")).lower()
    cadence = run.arg("cadence", "monthly")
    sent = run.call(
        "email.send", to=email, tag="nurture", idempotency_key=run.key("welcome"),
        subject="Ideas for automating your operations",
        body=(f"Hello {run.arg('name') or ''},\n\nthanks for reaching out. We will send you a short {cadence} note "
              "with customer stories and guides; reply any time to talk to us.\n\nThe Statewright team"),
    )["email"]
    next_touch = datetime.fromtimestamp(run.clock.now(), UTC) + timedelta(days=30 if cadence == "monthly" else 7)
    return {"sequence": f"{cadence}_nurture", "cadence": cadence, "enrolled": True, "first_email_id": sent["id"],
            "next_touch": next_touch.date().isoformat()}


def _note_text(lead: dict[str, Any], qualification: dict[str, Any], decision: str | None,
               meeting: dict[str, Any] | None) -> str:
    lines = [f"Qualification: {qualification.get('score')}/100, decision: {decision or 'none'}.",
             f"Breakdown: {qualification.get('breakdown', {})}.", str(qualification.get("reasoning", ""))]
    if meeting:
        lines.append(f"Discovery meeting {meeting.get('meeting_id')} at {meeting.get('starts_at', 'a booked time')}.")
    lines.append(f"Lead: {lead.get('name') or lead.get('email')}, {lead.get('title') or 'no title'}, "
                 f"{lead.get('company') or 'no company'}.")
    return "\n".join(lines)


def record_lead_in_crm(run: AgentRun) -> dict[str, Any]:
    lead, qualification = run.arg("lead", {}), run.arg("qualification", {})
    decision, meeting = run.arg("decision"), run.arg("meeting")
    email = str(lead.get("email", "")).lower()
    status = STATUS_BY_DECISION.get(decision or "", "lead")
    fields = {"name": lead.get("name"), "title": lead.get("title"), "company": lead.get("company"), "status": status,
              "score": qualification.get("score"),
              "properties": {"breakdown": qualification.get("breakdown", {}), "decision": decision,
                             "meeting_id": (meeting or {}).get("meeting_id"), "use_case": lead.get("use_case"),
                             "timeline_days": lead.get("timeline_days"), "company_size": lead.get("company_size")}}
    if meeting and meeting.get("owner"):
        fields["owner"] = meeting["owner"]
    existing = run.call("crm.contacts.search", email=email, limit=1)["matches"]
    if existing:
        contact = run.call("crm.contacts.update", contact_id=existing[0]["id"], **fields)["contact"]
        created = False
    else:
        made = run.call("crm.contacts.create", email=email, source=lead.get("source"), **fields)
        contact, created = made["contact"], made["created"]
    note = run.call("crm.notes.add", subject_id=contact["id"], body=_note_text(lead, qualification, decision, meeting),
                    author="bdr_concierge", idempotency_key=run.key("findings"))["note"]
    return {"contact_id": contact["id"], "created": created, "status": status, "note_id": note["id"],
            "lead_id": run.arg("lead_id")}


def publish_lead_qualified(run: AgentRun) -> dict[str, Any]:
    published = run.call("events.publish", event_type="lead_qualified", payload=dict(run.input),
                         correlation_key=str(run.arg("email", "")).lower(), tenant=run.request.tenant,
                         idempotency_key=run.key("lead_qualified"))
    return {"event_id": str(published["event_id"]), "duplicate": published["duplicate"],
            "started": published["started"]}


def escalate_to_account_owner(run: AgentRun) -> dict[str, Any]:
    severity = run.arg("severity", "medium")
    actions = run.arg("recommended_actions", [])
    breaches = run.arg("breaches", [])
    contacted = []
    for account in run.arg("accounts", []):
        owner = account.get("owner") or _owner_for(run, account.get("account", ""), account.get("account"))
        lines = [f"- {b.get('ticket_id')}: {b.get('metric')} took {b.get('actual_minutes')} min "
                 f"(target {b.get('target_minutes')})" for b in breaches if b.get("account") == account.get("account")]
        body = (f"{account.get('account')} ({account.get('tier') or 'no tier'}) is at risk: {severity} SLA "
                f"breach.\n" + "\n".join(lines) + "\n\nWhat we are doing:\n" + "\n".join(f"- {a}" for a in actions))
        email = run.call("email.send", to=owner, tag="account_escalation", body=body,
                         subject=f"[{severity.upper()}] SLA breach on {account.get('account')}",
                         idempotency_key=run.key(f"owner:{account.get('account')}"))["email"]
        note = run.call("crm.notes.add", subject_type="company", subject_id=str(account.get("company_id") or
                        account.get("account")), body=body, author="bdr_concierge",
                        idempotency_key=run.key(f"note:{account.get('account')}"))["note"]
        contacted.append({"account": account.get("account"), "owner": owner, "email_id": email["id"],
                          "note_id": note["id"]})
    return {"contacted": contacted, "count": len(contacted)}


ACTIONS: dict[str, AgentFunction] = {
    "extract_lead": extract_lead,
    "search_crm_duplicates": search_crm_duplicates,
    "add_crm_note": add_crm_note,
    "score_lead": score_lead,
    "book_meeting": book_meeting,
    "request_manual_booking": request_manual_booking,
    "add_to_nurture": add_to_nurture,
    "record_lead_in_crm": record_lead_in_crm,
    "publish_lead_qualified": publish_lead_qualified,
    "escalate_to_account_owner": escalate_to_account_owner,
}

_EMAIL = "The lead's email address."
INPUTS: dict[str, Schema] = {
    "extract_lead": takes({
        "email": text("The email address as submitted; one that is not a valid address fails the task."),
        "name": text("The person's name."),
        "title": text("Job title (budget authority is read from it)."),
        "company": text("Company name."),
        "company_size": integer("Employees; read from raw_message when not given."),
        "use_case": text("What they want to solve; read from raw_message when not given."),
        "timeline_days": integer("Days until the project starts; read from raw_message when not given."),
        "source": text("Where the lead came from: web_form, chat, email, ..."),
        "raw_message": text("The form or conversation text."),
    }, required=["email"]),
    "search_crm_duplicates": takes({
        "email": text(f"{_EMAIL} A contact with it is a duplicate."),
        "company": text("The lead's company: its contacts are listed when the email is new."),
    }, required=["email"]),
    "add_crm_note": takes({
        "contact_id": text("The existing CRM contact the note goes on."),
        "note": text("The note."),
    }, required=["contact_id"]),
    "score_lead": takes({
        "lead": json_object("The lead (extract_lead's): company_size, title, use_case, timeline_days."),
        "criteria": json_object("Over the design document's qualification criteria.", {
            "min_company_size": {"type": "number"},
            "min_authority": {"enum": list(AUTHORITY_LEVELS)},
            "max_timeline_days": {"type": "number"},
            "points_per_criterion": whole_number("Points for each criterion met."),
            "icp_use_cases": list_of({"type": "string"}, "The use cases of the ideal customer profile."),
        }),
    }, required=["lead"]),
    "book_meeting": takes({
        "email": text(f"{_EMAIL} The meeting's attendee and the invitation's recipient."),
        "name": text("The lead's name."),
        "company": text("The lead's company: its owner in the CRM organises the meeting."),
        "meeting_type": text("The meeting's kind (default discovery)."),
        "duration_minutes": whole_number("The meeting's length (default 30)."),
        "within_days": whole_number("How far ahead to look for a free slot (default 10)."),
    }, required=["email"]),
    "request_manual_booking": takes({
        "email": text(f"{_EMAIL} The rep books the call with it."),
        "name": text("The lead's name."),
        "company": text("The lead's company: its owner in the CRM is asked."),
        "score": anything("The lead's score, for the request's text."),
        "reason": anything("Why the meeting could not be booked."),
    }, required=["email"]),
    "add_to_nurture": takes({
        "email": text(f"{_EMAIL} The nurture emails go to it."),
        "name": text("The lead's name."),
        "cadence": text("monthly (the default) or another: weekly touches."),
    }, required=["email"]),
    "record_lead_in_crm": takes({
        "lead": json_object("The lead; its email finds or creates the contact.",
                            {"email": text(_EMAIL)}, required=["email"]),
        "qualification": json_object("score_lead's result: score, breakdown, reasoning."),
        "decision": text("book, nurture or disqualify: the contact's status."),
        "meeting": json_object("The booked meeting: meeting_id, starts_at, owner."),
        "lead_id": anything("Handed back in the result."),
    }, required=["lead"]),
    "publish_lead_qualified": takes({
        "email": text(f"{_EMAIL} The event's correlation key; the whole input is its payload."),
    }, required=["email"]),
    "escalate_to_account_owner": takes({
        "accounts": list_of(json_object("An account at risk: account, owner, tier, company_id."),
                            "The accounts whose owners are told."),
        "severity": text("The breach's severity (default medium)."),
        "breaches": list_of(json_object("A breach: ticket_id, account, metric, actual_minutes, target_minutes."),
                            "The breaches, listed for each account's owner."),
        "recommended_actions": list_of(anything("An action."), "What we are doing about it."),
    }),
}
