"""Every example of every shipped workflow, end to end on a real engine with the shipped handlers: the example's
events are sent when the instance waits, the run ends in `expect_state`, every context it wrote fits its
workflow's schema, the agents' work was costed, and the sandbox shows what the flow did."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema_rs
import pytest
from sqlmodel import select

from agents.handlers import OfflineHandlers, shipped_definitions
from agents.tools import Sandbox
from agents.tools.sandbox.tables import KnowledgeArticleRow
from engine import Engine, InstanceView
from engine.definition import Example, Workflow

WORKFLOWS = shipped_definitions()[0]
EXAMPLES = [(w.id, e.name) for w in sorted(WORKFLOWS.values(), key=lambda w: w.id) for e in w.examples]


def _example(workflow: Workflow, name: str) -> Example:
    return next(e for e in workflow.examples if e.name == name)


def _settle(engine: Engine, instance_id: str) -> InstanceView:
    engine.run_until_idle()
    return engine.get(instance_id)


def _run(engine: Engine, workflow: Workflow, example: Example) -> InstanceView:
    """Start the example; whenever the instance waits, send its next event (a decision as the approver the
    pending request names, anything else with `send`)."""
    view = _settle(engine, engine.start(workflow.id, dict(example.context)).id)
    events = list(example.events)
    while events and not view.ended:
        event = events.pop(0)
        if event.event in ("approve", "reject"):
            pending = [a for a in engine.approvals(view.id) if a.status == "pending"]
            assert pending, f"the example sends '{event.event}' but no approval waits (state {view.state})"
            decide = engine.approve if event.event == "approve" else engine.reject
            decide(view.id, actor=event.actor or "example", roles=pending[0].roles,
                   comment=(event.payload or {}).get("comment"))
        else:
            engine.send(view.id, event.event, event.payload, actor=event.actor)
        view = _settle(engine, view.id)
    assert not events, f"the run ended in '{view.state}' before the example's events were all sent"
    return view


def _family(engine: Engine, root: InstanceView) -> list[InstanceView]:
    found = [root]
    for view in found:
        found.extend(engine.list_instances(parent_id=view.id, limit=100))
    return found


def _schema_errors(view: InstanceView) -> list[str]:
    validator = jsonschema_rs.validator_for(WORKFLOWS[view.workflow_id].context)
    return [f"{view.workflow_id}: {e.message}" for e in validator.iter_errors(view.context)]


# --- what each example leaves in the sandbox -------------------------------------------------------------------
Check = Callable[[Sandbox, Engine, InstanceView], None]


def _contact(sandbox: Sandbox, email: str) -> dict[str, Any] | None:
    found = sandbox.crm.search_contacts(email=email)["matches"]
    return found[0] if found else None


def _ticket(sandbox: Sandbox, ticket_id: str) -> dict[str, Any]:
    return sandbox.helpdesk.read_ticket(ticket_id=ticket_id)


def _lead_booked(sandbox: Sandbox, engine: Engine, view: InstanceView) -> None:
    contact = _contact(sandbox, "john.doe@acme.com")
    assert contact is not None
    assert (contact["status"], contact["score"], contact["id"]) == ("qualified", 100, view.result["contact_id"])
    events = sandbox.calendar.search_events(attendee_email="john.doe@acme.com", kind="discovery")["events"]
    assert [e["id"] for e in events] == [view.result["meeting_id"]]
    assert [e["subject"][:20] for e in sandbox.mailbox.sent(recipient="john.doe@acme.com")] == [
        "Your discovery call "]
    squads = engine.list_instances(workflow_id="sales_squad", top_level_only=True)
    assert [(s.state, s.context["existing_meeting_id"]) for s in squads] == [("completed",
                                                                             view.result["meeting_id"])]


def _lead_nurtured(sandbox: Sandbox, _engine: Engine, _view: InstanceView) -> None:
    assert (_contact(sandbox, "priya.patel@initech.com") or {}).get("status") == "nurture"
    assert [e["tag"] for e in sandbox.mailbox.sent(recipient="priya.patel@initech.com")] == ["nurture"]
    assert sandbox.calendar.search_events(attendee_email="priya.patel@initech.com")["events"] == []


def _lead_unqualified(sandbox: Sandbox, _engine: Engine, _view: InstanceView) -> None:
    assert (_contact(sandbox, "sam.lee@university.edu") or {}).get("status") == "disqualified"
    assert sandbox.mailbox.sent() == []


def _lead_duplicate(sandbox: Sandbox, _engine: Engine, _view: InstanceView) -> None:
    notes = sandbox.crm.search_notes(subject_id="C-2001")["notes"]
    assert [n["body"][:27] for n in notes] == ["New inbound inquiry via ema"]
    assert len(sandbox.crm.search_contacts(limit=100)["matches"]) == 2  # only the corpus's


def _nothing_written(sandbox: Sandbox, _engine: Engine, _view: InstanceView) -> None:
    assert len(sandbox.crm.search_contacts(limit=100)["matches"]) == 2
    assert sandbox.mailbox.sent() == []
    assert sandbox.chat.messages() == []


def _deflected(ticket_id: str) -> Check:
    def check(sandbox: Sandbox, _engine: Engine, _view: InstanceView) -> None:
        ticket = _ticket(sandbox, ticket_id)
        assert (ticket["ticket"]["status"], ticket["ticket"]["priority"]) == ("solved", "P3")
        assert "KB-101" in ticket["ticket"]["tags"]
        public = [c["body"] for c in ticket["comments"] if c["public"]]
        assert len(public) == 1
        assert "After five failed attempts an account locks" in public[0]

    return check


def _squad_deflected(ticket_id: str) -> Check:
    """The support squad also leaves its summary in the tenant's shared memory, for later workflows."""
    deflected = _deflected(ticket_id)

    def check(sandbox: Sandbox, engine: Engine, view: InstanceView) -> None:
        deflected(sandbox, engine, view)
        summary = engine.memory.get(f"support_squad:ticket:{ticket_id}", tenant=view.tenant)
        assert summary["resolution"] == "deflected"
        assert summary["instance_id"] in {view.id, *(c.id for c in engine.list_instances(parent_id=view.id))}
        assert engine.memory.get(f"support_squad:ticket:{ticket_id}", tenant="someone_else") is None

    return check


def _escalated(ticket_id: str, priority: str, *, paged: bool) -> Check:
    def check(sandbox: Sandbox, _engine: Engine, _view: InstanceView) -> None:
        ticket = _ticket(sandbox, ticket_id)
        assert (ticket["ticket"]["status"], ticket["ticket"]["priority"]) == ("escalated", priority)
        assert ticket["ticket"]["assignee"].endswith(":on-call" if paged else ":tier2")
        assert sorted(c["public"] for c in ticket["comments"]) == [False, True]
        pages = [m for m in sandbox.chat.messages() if m["channel"].endswith("-oncall")]
        assert len(pages) == (1 if paged else 0)

    return check


def _gap_recorded(sandbox: Sandbox, engine: Engine, view: InstanceView) -> None:
    _escalated("T-2003", "P4", paged=False)(sandbox, engine, view)
    with sandbox.store.session() as session:
        drafts = session.exec(select(KnowledgeArticleRow).where(KnowledgeArticleRow.status == "draft")).all()
    assert [(d.id, d.title[:40]) for d in drafts] == [(view.context["gap"]["gap_id"],
                                                       "Unanswered: Air-gapped on-premise instal")]
    assert sandbox.analytics.query(dataset="qa_scores")["rows"] == []  # no reply was drafted, none audited


def _emea_alerts(sandbox: Sandbox, _engine: Engine, view: InstanceView) -> None:
    alerts = sandbox.chat.messages(channel="#ops-alerts")
    assert len(alerts) == 1
    assert "T-1188 (Globex): first response took 95 min, target 60 min" in alerts[0]["text"]
    assert [r["key"] for r in sandbox.analytics.query(dataset="ops_digest_queue")["rows"]] == ["support_emea"]
    assert [(e["recipient"], e["tag"]) for e in sandbox.mailbox.sent()] == [("ops.emea@example.com", "cost_overrun")]
    assert view.result["alerts_sent"] == 3


def _all_clear(sandbox: Sandbox, _engine: Engine, view: InstanceView) -> None:
    assert sandbox.chat.messages() == []
    assert sandbox.mailbox.sent() == []
    assert view.result["alerts_sent"] == 0


def _weekly_report(sandbox: Sandbox, _engine: Engine, _view: InstanceView) -> None:
    sent = sandbox.mailbox.sent(tag="weekly_report")
    assert sorted(e["recipient"] for e in sent) == ["ops.emea@example.com", "ops.na@example.com"]
    assert len(sandbox.analytics.query(dataset="ops_reports")["rows"]) == 1


def _account_owner_told(sandbox: Sandbox, _engine: Engine, view: InstanceView) -> None:
    assert len(sandbox.chat.messages(channel="#ops-support_emea")) == 1
    assert [e["recipient"] for e in sandbox.mailbox.sent(tag="account_escalation")] == ["maria.chen@example.com"]
    assert [e["recipient"] for e in sandbox.mailbox.sent(tag="ops_report")] == ["ops.lead@example.com"]
    assert view.result["severity"] == "high"
    assert view.result["account_escalated"] is True


def _report_only(sandbox: Sandbox, _engine: Engine, view: InstanceView) -> None:
    assert sandbox.chat.messages() == []
    assert [e["tag"] for e in sandbox.mailbox.sent()] == ["ops_report"]
    assert view.result["breached_count"] == 0


def _credit(amount: int, approver: str) -> Check:
    def check(sandbox: Sandbox, _engine: Engine, view: InstanceView) -> None:
        deal = sandbox.crm.search_deals(company="Globex")["deals"][0]
        assert deal["properties"]["credits"]["T-3001"]["amount"] == amount
        assert deal["properties"]["credits"]["T-3001"]["approved_by"] == approver
        assert view.result["squad"] == "support"
        assert view.result["account_context"]["decision"] == "account_context"
        assert view.result["cost"]["attributed"] is True
        assert view.result["cost"]["total"] > 0
        assert {"policy_officer", "support_concierge", "research_recon"} <= set(view.result["cost"]["by_agent"])
        assert _ticket(sandbox, "T-3001")["ticket"]["status"] == "escalated"

    return check


def _no_credit(sandbox: Sandbox, _engine: Engine, view: InstanceView) -> None:
    assert "credits" not in sandbox.crm.search_deals(company="Globex")["deals"][0]["properties"]
    assert view.result["decided_by"] == "maria.chen@example.com"


def _pii_denied(sandbox: Sandbox, _engine: Engine, view: InstanceView) -> None:
    assert view.result["reason"] == "Cannot process PII without GDPR certification"
    assert sandbox.helpdesk.search_tickets(requester_email="li.wei@umbrella-health.com")["count"] == 1  # T-1107


def _resolved_by_support(sandbox: Sandbox, _engine: Engine, view: InstanceView) -> None:
    assert view.result["squad_result"]["resolution"] == "deflected"
    assert _ticket(sandbox, "T-3000")["ticket"]["status"] == "solved"


def _sales_squad_ran(sandbox: Sandbox, _engine: Engine, view: InstanceView) -> None:
    assert view.result["squad_result"]["decision"] == "book"
    assert view.result["squad_result"]["final_score"] == 100
    assert len(sandbox.calendar.search_events(attendee_email="john.doe@acme.com")["events"]) == 1


def _ops_squad_ran(sandbox: Sandbox, _engine: Engine, view: InstanceView) -> None:
    assert view.result["squad"] == "ops"
    assert [e["recipient"] for e in sandbox.mailbox.sent(tag="ops_report")] == ["jane.smith@globex.com"]


def _sales_completed(decision: str, *, meeting: str | None = None) -> Check:
    def check(sandbox: Sandbox, _engine: Engine, view: InstanceView) -> None:
        assert view.result["decision"] == decision
        assert view.result["qa_score"] >= 6.0
        assert view.result["flagged_for_review"] is False
        assert sandbox.crm.search_contacts(email=view.context["email"])["count"] == 1
        if meeting is not None:
            assert view.result["meeting_id"] == meeting
            assert sandbox.calendar.search_events(attendee_email=view.context["email"])["events"] == []

    return check


def _context_ready(sandbox: Sandbox, _engine: Engine, view: InstanceView) -> None:
    assert view.result["existing_customer"] is True
    assert [d["id"] for d in view.result["open_deals"]] == ["D-501"]
    enrichment = sandbox.crm.read_account(name="Globex")["account"]["properties"]["enrichment"]
    assert "Viktor Brandt" in [p["name"] for p in enrichment["decision_makers"]]


EFFECTS: dict[tuple[str, str], Check] = {
    ("lead_qualification", "vp_at_acme_books_meeting"): _lead_booked,
    ("lead_qualification", "small_company_is_nurtured"): _lead_nurtured,
    ("lead_qualification", "student_is_unqualified"): _lead_unqualified,
    ("lead_qualification", "known_contact_is_duplicate"): _lead_duplicate,
    ("lead_qualification", "malformed_email_is_invalid"): _nothing_written,
    ("support_ticket_triage", "password_reset_is_deflected"): _deflected("T-2001"),
    ("support_ticket_triage", "production_outage_escalates_immediately"): _escalated("T-2002", "P1", paged=True),
    ("support_ticket_triage", "unanswerable_question_escalates"): _escalated("T-2003", "P4", paged=False),
    ("support_squad", "password_reset_is_deflected"): _squad_deflected("T-2001"),
    ("support_squad", "production_outage_escalates_immediately"): _escalated("T-2002", "P1", paged=True),
    ("support_squad", "knowledge_gap_escalates"): _gap_recorded,
    ("sales_squad", "acme_lead_is_booked_and_audited"): _sales_completed("book"),
    ("sales_squad", "started_by_lead_qualified_keeps_meeting"): _sales_completed("book", meeting="MTG-7001"),
    ("sales_squad", "initech_lead_is_nurtured"): _sales_completed("nurture"),
    ("sales_squad", "malformed_email_is_invalid"): _nothing_written,
    ("sales_squad", "account_context_for_escalation"): _context_ready,
    ("ops_sla_monitoring", "emea_breach_quality_and_cost_alerts"): _emea_alerts,
    ("ops_sla_monitoring", "na_all_clear"): _all_clear,
    ("ops_sla_monitoring", "weekly_report_run"): _weekly_report,
    ("ops_squad", "emea_breach_escalates_to_account_owner"): _account_owner_told,
    ("ops_squad", "na_healthy_reports_only"): _report_only,
    ("customer_escalation", "ticket_resolved_without_discount"): _resolved_by_support,
    ("customer_escalation", "enterprise_credit_approved_by_manager"): _credit(5000, "maria.chen@example.com"),
    ("customer_escalation", "large_credit_needs_vp_and_finance"): _credit(15000, "fiona.grant@example.com"),
    ("customer_escalation", "credit_rejected_by_manager"): _no_credit,
    ("customer_escalation", "pii_without_gdpr_is_denied"): _pii_denied,
    ("customer_escalation", "demo_request_goes_to_sales_squad"): _sales_squad_ran,
    ("customer_escalation", "sla_report_goes_to_ops_squad"): _ops_squad_ran,
}


def test_every_example_has_its_effects_checked_but_the_empty_digest() -> None:
    assert set(EXAMPLES) - set(EFFECTS) == {("ops_sla_monitoring", "daily_digest_run")}


@pytest.mark.parametrize(("workflow_id", "example_name"), EXAMPLES, ids=[f"{w}-{e}" for w, e in EXAMPLES])
def test_the_example_runs_to_its_expected_state(offline: OfflineHandlers, engine: Engine, workflow_id: str,
                                                example_name: str) -> None:
    workflow = WORKFLOWS[workflow_id]
    example = _example(workflow, example_name)
    view = _run(engine, workflow, example)
    assert view.ended, f"still in '{view.state}' ({view.status})"
    assert view.state == example.expect_state, view.error
    family = _family(engine, view)
    assert [e for v in family for e in _schema_errors(v)] == []
    finished = [h for v in family for h in engine.history(v.id) if h.event == "done" and h.from_state]
    if finished:
        assert sum(h.cost or 0.0 for v in family for h in engine.history(v.id)) > 0
    check = EFFECTS.get((workflow_id, example_name))
    if check is not None:
        check(offline.sandbox, engine, view)


def test_the_daily_digest_sends_what_the_monitoring_queued(offline: OfflineHandlers, engine: Engine) -> None:
    workflow = WORKFLOWS["ops_sla_monitoring"]
    _run(engine, workflow, _example(workflow, "emea_breach_quality_and_cost_alerts"))
    digest = _run(engine, workflow, _example(workflow, "daily_digest_run"))
    assert digest.state == "digest_sent"
    assert [(d["team"], d["items"]) for d in digest.result["digest"]["digests"]] == [("support_emea", 1)]
    assert [e["recipient"] for e in offline.sandbox.mailbox.sent(tag="daily_digest")] == ["ops.emea@example.com"]
    again = _run(engine, workflow, _example(workflow, "daily_digest_run"))
    assert again.result["digest"]["digests"] == []  # a queued item is sent once


def test_the_ops_squad_reads_what_the_support_squad_wrote_in_shared_memory(offline: OfflineHandlers,
                                                                           engine: Engine) -> None:
    ops = WORKFLOWS["ops_squad"]
    before = _run(engine, ops, _example(ops, "emea_breach_escalates_to_account_owner"))
    assert before.context["assessment"]["support_escalations_today"] == 0
    support = WORKFLOWS["support_squad"]
    for name in ("production_outage_escalates_immediately", "knowledge_gap_escalates", "password_reset_is_deflected"):
        _run(engine, support, _example(support, name))
    assert [e["ticket_id"] for e in engine.memory.get_list("support_squad:escalations:2030-01-15")] == [
        "T-2002", "T-2003"]  # the deflected ticket is not an escalation
    after = _run(engine, ops, _example(ops, "emea_breach_escalates_to_account_owner"))
    assessment = after.context["assessment"]
    assert assessment["support_escalations_today"] == 2
    assert any("escalated 2 ticket(s) today, P1: T-2002" in a for a in assessment["recommended_actions"])
