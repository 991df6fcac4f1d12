"""The QA Auditor's rubric: five dimensions 0-10, total = sum / 5, >= 8.0 excellent, 6.0-7.9 acceptable,
< 6.0 needs improvement."""

from __future__ import annotations

from typing import Any

import pytest

from agents.handlers.qa_rubric import DIMENSIONS, audit, rating_for

GOOD_REPLY = {
    "reply": ("Hello Ana,\n\nI'm sorry for the trouble. After five failed attempts an account locks for 15 minutes; "
              "the lock lifts on its own.\n\nThe full article is here: https://help.example.com/articles/kb-101\n\n"
              "Best regards,\nThe support team"),
    "article_id": "KB-101",
}
GOOD_LEAD: dict[str, Any] = {
    "lead": {"email": "john.doe@acme.com", "company": "Acme Corp"},
    "qualification": {"score": 100, "breakdown": {"company_size": 25, "authority": 25, "icp_fit": 25, "timeline": 25},
                      "reasoning": "Score 100/100. Every criterion met."},
    "decision": "book", "meeting": {"meeting_id": "MTG-1"}, "enrichment_confidence": 0.8,
}
LEAD_REQUIRED = ["lead.email", "lead.company", "qualification.score", "qualification.reasoning", "decision"]


@pytest.mark.parametrize(("total", "rating"), [
    (10.0, "excellent"), (8.0, "excellent"), (7.99, "acceptable"), (6.0, "acceptable"), (5.99, "needs_improvement"),
    (0.0, "needs_improvement"),
])
def test_thresholds(total: float, rating: str) -> None:
    assert rating_for(total) == rating


def test_a_good_reply_and_a_good_lead_are_excellent() -> None:
    reply = audit(GOOD_REPLY, ["reply", "article_id"])
    lead = audit(GOOD_LEAD, LEAD_REQUIRED)
    for result in (reply, lead):
        assert result["scores"] == dict.fromkeys(DIMENSIONS, 10.0)
        assert (result["total"], result["rating"], result["issues"]) == (10.0, "excellent", [])


@pytest.mark.parametrize(("change", "dimension", "score"), [
    ({"article_id": "made-up"}, "accuracy", 7.0),
    ({"reply": GOOD_REPLY["reply"].replace("https://help.example.com/articles/kb-101", "the help centre")},
     "accuracy", 8.0),
    ({"reply": GOOD_REPLY["reply"] + "\nThis is a stupid question."}, "tone", 6.0),
    ({"reply": GOOD_REPLY["reply"].replace("Hello Ana,", "Ana,")}, "tone", 9.0),
    ({"reply": " ".join(GOOD_REPLY["reply"].split())}, "format", 8.0),
    ({"reply": GOOD_REPLY["reply"] + "\nYour card 4111 1111 1111 1111 is on file."}, "compliance", 5.0),
    ({"reply": GOOD_REPLY["reply"] + "\nWe guarantee it will never happen again."}, "compliance", 7.0),
])
def test_each_check_costs_its_dimension(change: dict[str, Any], dimension: str, score: float) -> None:
    result = audit({**GOOD_REPLY, **change}, ["reply", "article_id"])
    assert result["scores"][dimension] == score
    assert all(v == 10.0 for d, v in result["scores"].items() if d != dimension)
    assert result["total"] == round(sum(result["scores"].values()) / 5, 2)
    assert result["issues"]


def test_completeness_is_the_share_of_required_elements_present() -> None:
    result = audit(GOOD_REPLY, ["reply", "article_id", "requester.name"])
    assert result["scores"]["completeness"] == 6.67
    assert result["issues"] == ["missing required element 'requester.name'"]
    assert audit({**GOOD_REPLY, "article_id": ""}, ["reply", "article_id"])["scores"]["completeness"] == 5.0


@pytest.mark.parametrize(("change", "issue"), [
    ({"qualification": {**GOOD_LEAD["qualification"], "score": 90}}, "not the sum of its breakdown"),
    ({"decision": "nurture"}, "contradicts the score"),
    ({"meeting": None}, "no meeting"),
    ({"enrichment_confidence": 1.5}, "outside 0-1"),
])
def test_inaccurate_lead_outputs_are_caught(change: dict[str, Any], issue: str) -> None:
    result = audit({**GOOD_LEAD, **change}, LEAD_REQUIRED)
    assert result["scores"]["accuracy"] < 10.0
    assert any(issue in text for text in result["issues"])


def test_a_bad_output_needs_improvement_and_says_what_to_change() -> None:
    bad = {"reply": "WHATEVER. THIS IS OBVIOUSLY YOUR PROBLEM!! password: hunter2", "article_id": None}
    result = audit(bad, ["reply", "article_id"])
    assert result["total"] < 6.0
    assert result["rating"] == "needs_improvement"
    assert any("training or a process change" in r for r in result["recommendations"])
    assert len(result["issues"]) >= 5


def test_unknown_dimensions_are_refused() -> None:
    with pytest.raises(ValueError, match="dimensions"):
        audit(GOOD_REPLY, [], ["accuracy", "vibes"])
    assert audit(GOOD_REPLY, [], ["accuracy", "tone"])["total"] == 10.0
