"""The QA Auditor: scores an output on the rubric, keeps the scores for trends, and flags weak ones for review."""

from __future__ import annotations

from typing import Any

from agents.handlers.agent_run import AgentFunction, AgentRun, invalid
from agents.handlers.input_schema import Schema, anything, json_object, list_of, number, takes, text
from agents.handlers.qa_rubric import DIMENSIONS, audit

__all__ = ["ACTIONS", "INPUTS", "QA_SCORES"]

QA_SCORES = "qa_scores"
TREND_WINDOW = 10


def audit_output(run: AgentRun) -> dict[str, Any]:
    output = run.arg("output")
    if not isinstance(output, dict):
        raise invalid("audit_output needs the output to audit")
    subject = str(run.arg("subject", "output"))
    try:
        result = audit(output, list(run.arg("required_elements", [])), list(run.arg("rubric", DIMENSIONS)))
    except ValueError as exc:
        raise invalid(str(exc)) from exc
    run.call("analytics.record", dataset=QA_SCORES, key=subject, row_id=run.key("score"),
             data={"total": result["total"], "rating": result["rating"], "scores": result["scores"],
                   "instance_id": run.request.instance_id})
    recent = run.call("analytics.query", dataset=QA_SCORES, key=subject, limit=TREND_WINDOW)["rows"]
    totals = [float(r["data"]["total"]) for r in recent]
    return {**result, "trend": {"audits": len(totals), "average": round(sum(totals) / len(totals), 2)}}


def flag_for_review(run: AgentRun) -> dict[str, Any]:
    qa = run.arg("qa", {})
    issues = qa.get("issues", [])
    text = (f"QA flag: {run.arg('subject')} scored {float(qa.get('total', 0)):.1f}/10 ({qa.get('rating', 'unrated')}) "
            f"in instance {run.arg('instance_id')}.\nIssues: " + ("; ".join(issues) or "none recorded")
            + "\nRecommendations: " + ("; ".join(qa.get("recommendations", [])) or "none"))
    posted = run.call("slack.notify", channel=run.arg("channel", "#quality"), text=text, sender="qa_auditor",
                      details={"qa": qa, "instance_id": run.arg("instance_id")},
                      idempotency_key=run.key("flag"))["message"]
    return {"channel": posted["channel"], "message_id": posted["id"], "total": qa.get("total"), "issues": issues}


ACTIONS: dict[str, AgentFunction] = {"audit_output": audit_output, "flag_for_review": flag_for_review}

INPUTS: dict[str, Schema] = {
    "audit_output": takes({
        "output": json_object("The output to audit."),
        "subject": anything("What the output is, e.g. support_response: its scores' trend is kept under it."),
        "required_elements": list_of({"type": "string"}, "Dotted paths the output must hold, e.g. lead.email."),
        "rubric": list_of({"enum": list(DIMENSIONS)}, "The dimensions to score (default all five).", min_items=1),
    }, required=["output"]),
    "flag_for_review": takes({
        "qa": json_object("audit_output's result: total, rating, issues, recommendations.", {
            "total": number("The score, 0-10."), "issues": list_of({"type": "string"}, "What is wrong."),
            "recommendations": list_of({"type": "string"}, "What to do.")}),
        "subject": anything("What was audited."),
        "instance_id": anything("The instance whose output it was."),
        "channel": text("The Slack channel (default #quality)."),
    }, required=["qa"]),
}
