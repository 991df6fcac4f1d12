"""The Ops Sapper's monitoring: SLA compliance, data quality and cost checks over the teams' latest metrics, and
the alerts their thresholds call for (Slack at once, the daily digest, an email to the manager)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from agents.handlers.agent_run import AgentFunction, AgentRun
from agents.handlers.input_schema import Schema, anything, identifier, json_object, list_of, number, takes, text
from agents.handlers.ops_rules import cost_overrun_ratio, data_quality_score, judge_breaches
from engine.runtime.actions import ActionError

__all__ = [
    "ACTIONS",
    "BREACH",
    "DIGEST_QUEUE",
    "DIGEST_SENT",
    "INPUTS",
    "OPS_METRICS",
    "TEAMS",
    "ops_snapshot",
    "team_list",
    "today",
]

OPS_METRICS = "ops_metrics"
DIGEST_QUEUE = "ops_digest_queue"
DIGEST_SENT = "ops_digest_sent"
DEFAULT_TARGETS = {"first_response_minutes": 60, "resolution_hours": 24}


def today(run: AgentRun) -> str:
    return datetime.fromtimestamp(run.clock.now(), UTC).date().isoformat()


def ops_snapshot(run: AgentRun, team: str) -> dict[str, Any]:
    """The team's latest ops-metrics snapshot."""
    rows = run.call("analytics.query", dataset=OPS_METRICS, key=team, limit=1)["rows"]
    if not rows:
        raise ActionError("not_found", f"no ops metrics are recorded for the team '{team}'", retryable=False)
    return dict(rows[0]["data"])


def team_list(run: AgentRun) -> list[str]:
    teams = [str(t) for t in run.arg("teams", [])]
    if not teams:
        raise ActionError("validation", "no team to check", retryable=False)
    return teams


def check_sla_compliance(run: AgentRun) -> dict[str, Any]:
    targets = {**DEFAULT_TARGETS, **run.arg("targets", {})}
    breaches: list[dict[str, Any]] = []
    checked = 0
    for team in team_list(run):
        sla = ops_snapshot(run, team).get("sla", {})
        tickets = {t["id"]: t for t in run.call("helpdesk.tickets.search", team=team, limit=200)["tickets"]}
        for breach in judge_breaches(sla.get("breaches", []), targets):
            ticket = tickets.get(breach["ticket_id"], {})
            breaches.append({**breach, "team": team, "subject": ticket.get("subject"),
                             "account": breach["account"] or ticket.get("company")})
        checked += int(sla.get("tickets_checked", 0))
    rate = round(1.0 - len(breaches) / checked, 4) if checked else 1.0
    return {"breaches": breaches, "breached_count": len(breaches), "compliance_rate": max(0.0, rate),
            "tickets_checked": checked, "window_minutes": run.arg("window_minutes"), "targets": targets}


def notify_sla_breach(run: AgentRun) -> dict[str, Any]:
    breaches = list(run.arg("breaches", []))
    lines = [f"- {b['ticket_id']} ({b.get('account') or 'unknown account'}): {b['metric'].replace('_', ' ')} took "
             f"{b['actual_minutes']:g} min, target {b['target_minutes']:g} min" for b in breaches]
    text = f"SLA breach: {len(breaches)} ticket(s) over target\n" + "\n".join(lines)
    posted = run.call("slack.notify", channel=run.arg("channel", "#ops-alerts"), text=text, sender="ops_sapper",
                      details={"breaches": breaches}, idempotency_key=run.key("sla"))["message"]
    return {"channel": posted["channel"], "message_id": posted["id"], "breaches": len(breaches)}


def check_data_quality(run: AgentRun) -> dict[str, Any]:
    by_team: list[dict[str, Any]] = []
    totals = [0, 0, 0]
    for team in team_list(run):
        quality = ops_snapshot(run, team).get("data_quality", {})
        counts = [int(quality.get(k, 0)) for k in ("records_checked", "missing_fields", "duplicates")]
        by_team.append({"team": team, "records_checked": counts[0], "missing_fields": counts[1],
                        "duplicates": counts[2], "score": data_quality_score(*counts)})
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    records, missing, dupes = totals
    return {"score": data_quality_score(records, missing, dupes), "records_checked": records,
            "missing_fields": missing, "duplicates": dupes, "by_team": by_team}


def queue_digest_item(run: AgentRun) -> dict[str, Any]:
    """One digest entry per team below the threshold and day, however often the 15-minute check runs."""
    quality = run.arg("data_quality", {})
    threshold = float(run.arg("threshold", 0.95))
    day = today(run)
    kind = run.arg("kind", "data_quality")
    queued = []
    for team in quality.get("by_team", []):
        if team["score"] < threshold:
            row = run.call("analytics.record", dataset=DIGEST_QUEUE, key=team["team"],
                           data={"kind": kind, "team": team["team"], "score": team["score"], "threshold": threshold,
                                 "day": day, "records_checked": team["records_checked"]},
                           row_id=f"digest:{kind}:{team['team']}:{day}")
            queued.append({"item_id": row["row"]["id"], "team": team["team"], "new": row["created"]})
    return {"day": day, "queued": queued}


def check_cost_overrun(run: AgentRun) -> dict[str, Any]:
    by_team = []
    worst = float("-inf")
    for team in team_list(run):
        snapshot = ops_snapshot(run, team)
        cost = snapshot.get("cost", {})
        budget, spent = float(cost.get("budget", 0)), float(cost.get("spent", 0))
        ratio = cost_overrun_ratio(spent, budget)
        worst = max(worst, ratio)
        by_team.append({"team": team, "budget": budget, "spent": spent, "overrun_ratio": ratio,
                        "manager_email": snapshot.get("manager_email")})
    return {"overrun_ratio": worst, "by_team": by_team}


def email_cost_overrun(run: AgentRun) -> dict[str, Any]:
    """Each team over the threshold emails its manager, at most once a day per team."""
    threshold = float(run.arg("threshold", 0.2))
    day = today(run)
    emails = []
    for team in run.arg("costs", {}).get("by_team", []):
        if team["overrun_ratio"] > threshold and team.get("manager_email"):
            sent = run.call(
                "email.send", to=team["manager_email"], sender="ops-sapper@example.com", tag="cost_overrun",
                idempotency_key=f"cost-overrun:{team['team']}:{day}",
                subject=f"Cost overrun: {team['team']} is {team['overrun_ratio']:.0%} over budget",
                body=(f"{team['team']} spent {team['spent']:,.2f} of its {team['budget']:,.2f} budget this month "
                      f"({team['overrun_ratio']:.0%} over; the alert threshold is {threshold:.0%})."),
            )
            emails.append({"team": team["team"], "to": team["manager_email"], "email_id": sent["email"]["id"],
                           "new": sent["sent"]})
    return {"emails": emails, "count": len(emails)}


def send_daily_digest(run: AgentRun) -> dict[str, Any]:
    """Sends each team's queued entries not sent before to its manager, then marks them sent."""
    sent_ids = {r["key"] for r in run.call("analytics.query", dataset=DIGEST_SENT, limit=1000)["rows"]}
    digests = []
    for team in team_list(run):
        pending = [r for r in run.call("analytics.query", dataset=DIGEST_QUEUE, key=team, limit=100)["rows"]
                   if r["id"] not in sent_ids]
        if not pending:
            continue
        manager = ops_snapshot(run, team).get("manager_email") or "ops@example.com"
        lines = [f"- {r['data']['day']}: data quality {r['data']['score']:.1%} (threshold {r['data']['threshold']:.0%})"
                 for r in pending]
        email = run.call("email.send", to=manager, sender="ops-sapper@example.com", tag="daily_digest",
                         subject=f"Daily digest for {team}: {len(pending)} item(s)", body="\n".join(lines),
                         idempotency_key=run.key(f"digest:{team}"))["email"]
        for row in pending:
            run.call("analytics.record", dataset=DIGEST_SENT, key=row["id"], data={"email_id": email["id"]},
                     row_id=f"sent:{row['id']}")
        digests.append({"team": team, "to": manager, "items": len(pending), "email_id": email["id"]})
    return {"digests": digests, "items_sent": sum(d["items"] for d in digests), "day": today(run)}


def notify_monitoring_failure(run: AgentRun) -> dict[str, Any]:
    error = run.arg("error", {})
    text = (f"Monitoring run {run.arg('run')} failed: {error.get('kind', 'error')}: "
            f"{error.get('message', 'no message')}")
    posted = run.call("slack.notify", channel=run.arg("channel", "#ops-alerts"), text=text, sender="ops_sapper",
                      details={"run": run.arg("run"), "error": error}, idempotency_key=run.key("failure"))["message"]
    return {"channel": posted["channel"], "message_id": posted["id"]}


ACTIONS: dict[str, AgentFunction] = {
    "check_sla_compliance": check_sla_compliance,
    "notify_sla_breach": notify_sla_breach,
    "check_data_quality": check_data_quality,
    "queue_digest_item": queue_digest_item,
    "check_cost_overrun": check_cost_overrun,
    "email_cost_overrun": email_cost_overrun,
    "send_daily_digest": send_daily_digest,
    "notify_monitoring_failure": notify_monitoring_failure,
}

TEAMS = list_of(identifier("A support team, e.g. support_emea."), "The teams to check.", min_items=1)
BREACH = json_object("A breach, as check_sla_compliance finds it.", {
    "ticket_id": anything("The ticket."), "account": anything("The customer account."),
    "metric": text("first_response or resolution."), "actual_minutes": {"type": "number"},
    "target_minutes": {"type": "number"},
}, required=["ticket_id", "metric", "actual_minutes", "target_minutes"])
INPUTS: dict[str, Schema] = {
    "check_sla_compliance": takes({
        "teams": TEAMS,
        "targets": json_object("Over the default targets (60 minutes to first response, 24 hours to resolution).", {
            "first_response_minutes": number("Minutes to the first response."),
            "resolution_hours": number("Hours to the resolution.")}),
        "window_minutes": anything("How far back the run looks, handed back in the result."),
    }, required=["teams"]),
    "notify_sla_breach": takes({
        "breaches": list_of(BREACH, "The breaches to post."),
        "channel": text("The Slack channel (default #ops-alerts)."),
    }, required=["breaches"]),
    "check_data_quality": takes({"teams": TEAMS}, required=["teams"]),
    "queue_digest_item": takes({
        "data_quality": json_object("check_data_quality's result: each team below the threshold is queued.", {
            "by_team": list_of(json_object("One team's quality: team, score, records_checked.",
                                           {"score": {"type": "number"}}, required=["score"]),
                               "Each team's quality.")}),
        "threshold": number("The share of clean records below which a team is queued (default 0.95)."),
        "kind": text("The digest entry's kind (default data_quality)."),
    }),
    "check_cost_overrun": takes({"teams": TEAMS}, required=["teams"]),
    "email_cost_overrun": takes({
        "costs": json_object("check_cost_overrun's result: each team over the threshold emails its manager.", {
            "by_team": list_of(json_object("One team's spend.", {"overrun_ratio": {"type": "number"}},
                                           required=["overrun_ratio"]), "Each team's spend.")}),
        "threshold": number("The overrun ratio above which the manager is emailed (default 0.2)."),
    }),
    "send_daily_digest": takes({"teams": TEAMS}, required=["teams"]),
    "notify_monitoring_failure": takes({
        "error": json_object("The failure: kind, message."),
        "run": anything("The monitoring run that failed."),
        "channel": text("The Slack channel (default #ops-alerts)."),
    }),
}
