"""The Ops Sapper's reports and lookups: the weekly report (SLA performance against targets, quality with its
trend, cost by team, recommendations), a team's SLA report, and a company's history with us."""

from __future__ import annotations

from typing import Any

from agents.handlers.agent_run import AgentFunction, AgentRun
from agents.handlers.input_schema import Schema, anything, identifier, json_object, list_of, number, takes, text
from agents.handlers.ops import BREACH, DEFAULT_TARGETS, TEAMS, ops_snapshot, team_list, today
from agents.handlers.ops_rules import (
    COST_OVERRUN_MAX,
    DATA_QUALITY_MIN,
    cost_overrun_ratio,
    data_quality_score,
    judge_breaches,
)

__all__ = ["ACTIONS", "INPUTS", "REPORTS"]

REPORTS = "ops_reports"
CLOSED_STAGES = frozenset({"closed_won", "closed_lost", "won", "lost"})


def _team_summary(run: AgentRun, team: str) -> dict[str, Any]:
    snapshot = ops_snapshot(run, team)
    sla, quality, cost = snapshot.get("sla", {}), snapshot.get("data_quality", {}), snapshot.get("cost", {})
    breaches = judge_breaches(sla.get("breaches", []), sla.get("targets", DEFAULT_TARGETS))
    checked = int(sla.get("tickets_checked", 0))
    return {"team": team, "tickets_checked": checked, "breaches": len(breaches),
            "compliance_rate": round(1 - len(breaches) / checked, 4) if checked else 1.0,
            "data_quality": data_quality_score(*(int(quality.get(k, 0)) for k in
                                                 ("records_checked", "missing_fields", "duplicates"))),
            "spent": float(cost.get("spent", 0)), "budget": float(cost.get("budget", 0)),
            "overrun_ratio": cost_overrun_ratio(float(cost.get("spent", 0)), float(cost.get("budget", 0))),
            "manager_email": snapshot.get("manager_email")}


def _recommendations(summary: dict[str, Any]) -> list[str]:
    found = []
    if summary["breaches"]:
        found.append(f"{summary['team']}: review staffing for first responses ({summary['breaches']} breach(es)).")
    if summary["data_quality"] < DATA_QUALITY_MIN:
        found.append(f"{summary['team']}: clean up missing fields and duplicates "
                     f"(quality {summary['data_quality']:.1%}).")
    if summary["overrun_ratio"] > COST_OVERRUN_MAX:
        found.append(f"{summary['team']}: cut spend or raise the budget ({summary['overrun_ratio']:.0%} over).")
    return found


def generate_weekly_report(run: AgentRun) -> dict[str, Any]:
    summaries = [_team_summary(run, team) for team in team_list(run)]
    earlier = [r for r in run.call("analytics.query", dataset=REPORTS, key="weekly", limit=5)["rows"]
               if r["data"].get("week_of") != today(run)]
    previous = {s["team"]: s for s in (earlier[0]["data"].get("teams", []) if earlier else [])}
    for summary in summaries:
        before = previous.get(summary["team"])
        summary["quality_trend"] = round(summary["data_quality"] - before["data_quality"], 4) if before else None
    recommendations = [r for s in summaries for r in _recommendations(s)] or ["No action needed this week."]
    report = {"teams": summaries, "recommendations": recommendations, "window_minutes": run.arg("window_minutes"),
              "week_of": today(run)}
    row = run.call("analytics.record", dataset=REPORTS, key="weekly", data=report, row_id=f"weekly:{today(run)}")
    recipients = sorted({s["manager_email"] for s in summaries if s["manager_email"]})
    body = "\n".join([f"{s['team']}: SLA {s['compliance_rate']:.1%}, quality {s['data_quality']:.1%}, "
                      f"spend {s['spent']:,.0f}/{s['budget']:,.0f}" for s in summaries] + ["", *recommendations])
    for recipient in recipients:
        run.call("email.send", to=recipient, sender="ops-sapper@example.com", tag="weekly_report", body=body,
                 subject=f"Weekly ops report, week of {report['week_of']}", idempotency_key=run.key(recipient))
    return {"report_id": row["row"]["id"], "recipients": recipients, "recommendations": recommendations,
            "teams": [s["team"] for s in summaries]}


def generate_ops_report(run: AgentRun) -> dict[str, Any]:
    team = str(run.arg("team", ""))
    sla = run.arg("sla", {})
    assessment = run.arg("assessment")
    compliance = float(sla.get("compliance_rate", 1))
    lines = [f"SLA report for {team}, the last {run.arg('window_minutes')} minutes.",
             f"Tickets checked: {sla.get('tickets_checked', 0)}; compliance {compliance:.1%}; "
             f"breaches: {sla.get('breached_count', 0)}."]
    lines += [f"- {b['ticket_id']} ({b.get('account')}): {b['metric']} {b['actual_minutes']:g} min, target "
              f"{b['target_minutes']:g} min" for b in sla.get("breaches", [])]
    if assessment:
        lines.append(f"Severity: {assessment.get('severity')}. Actions: "
                     + "; ".join(assessment.get("recommended_actions", [])))
    row = run.call("analytics.record", dataset=REPORTS, key=f"team:{team}",
                   data={"team": team, "text": "\n".join(lines), "sla": sla, "assessment": assessment},
                   row_id=run.key("report"))["row"]
    recipient = run.arg("recipient") or None
    if recipient:
        run.call("email.send", to=recipient, sender="ops-sapper@example.com", tag="ops_report",
                 subject=f"SLA report: {team}", body="\n".join(lines), idempotency_key=run.key("email"))
    return {"report_id": row["id"], "sent_to": recipient, "breached_count": sla.get("breached_count", 0)}


def get_account_history(run: AgentRun) -> dict[str, Any]:
    company = run.arg("company")
    if not company:
        return {"existing_customer": False, "open_deals": [], "past_tickets": [], "company_id": None}
    found = run.call("crm.companies.search", name=company, limit=1)["matches"]
    deals = run.call("crm.deals.search", company=company)["deals"]
    tickets = run.call("helpdesk.tickets.search", company=company, limit=10)["tickets"]
    return {"existing_customer": bool(found and found[0]["customer"]), "company_id": found[0]["id"] if found else None,
            "open_deals": [{"id": d["id"], "name": d["name"], "stage": d["stage"], "amount_usd": d["amount_usd"],
                            "close_date": d["close_date"]} for d in deals if d["stage"] not in CLOSED_STAGES],
            "past_tickets": [{"id": t["id"], "subject": t["subject"], "priority": t["priority"],
                              "status": t["status"]} for t in tickets]}


ACTIONS: dict[str, AgentFunction] = {
    "generate_weekly_report": generate_weekly_report,
    "generate_ops_report": generate_ops_report,
    "get_account_history": get_account_history,
}

INPUTS: dict[str, Schema] = {
    "generate_weekly_report": takes({
        "teams": TEAMS,
        "window_minutes": anything("How far back the report looks, kept with it."),
    }, required=["teams"]),
    "generate_ops_report": takes({
        "team": identifier("The support team the report is about."),
        "sla": json_object("check_sla_compliance's result for the team.", {
            "compliance_rate": number("The share of tickets within their targets."),
            "breaches": list_of(BREACH, "The breaches, each listed.")}),
        "assessment": json_object("assess_breach_impact's result: severity, recommended_actions.", {
            "recommended_actions": list_of({"type": "string"}, "What to do.")}),
        "recipient": text("Who the report is emailed to; none: it is only kept."),
        "window_minutes": anything("How far back the report looks, for its text."),
    }, required=["team", "sla"]),
    "get_account_history": takes({
        "company": text("The company's name; none gives an empty history."),
    }),
}
