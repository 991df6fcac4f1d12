"""The BDR Concierge's criteria, table-driven: 25 points each for company size 50+, director-or-above authority,
an ICP use case and a timeline within 90 days; 70 or more qualifies."""

from __future__ import annotations

from typing import Any

import pytest

from agents.handlers.lead_rules import (
    DEFAULT_CRITERIA,
    InvalidLead,
    authority_level,
    extract_lead_fields,
    matching_icp_use_case,
    score_lead_against,
    timeline_from_text,
)

QUALIFIED = {"company_size": 500, "title": "VP Sales", "use_case": "sales automation", "timeline_days": 30}


@pytest.mark.parametrize(("change", "criterion", "points"), [
    ({}, None, 100),
    ({"company_size": 50}, None, 100),
    ({"company_size": 49}, "company_size", 75),
    ({"company_size": None}, "company_size", 75),
    ({"title": "Director of Operations"}, None, 100),
    ({"title": "Head of Support"}, None, 100),
    ({"title": "Sales Manager"}, "authority", 75),
    ({"title": "Executive Assistant to the CEO"}, "authority", 75),
    ({"title": None}, "authority", 75),
    ({"use_case": "automate lead qualification"}, None, 100),
    ({"use_case": "inventory forecasting"}, "icp_fit", 75),
    ({"timeline_days": 90}, None, 100),
    ({"timeline_days": 91}, "timeline", 75),
    ({"timeline_days": None}, "timeline", 75),
])
def test_each_criterion_is_worth_its_share(change: dict[str, Any], criterion: str | None, points: int) -> None:
    result = score_lead_against({**QUALIFIED, **change}, DEFAULT_CRITERIA)
    assert result["score"] == points
    assert result["score"] == sum(result["breakdown"].values())
    assert [name for name, value in result["breakdown"].items() if value == 0] == ([criterion] if criterion else [])
    assert result["qualified"] is (points >= 70)


@pytest.mark.parametrize(("lead", "score"), [
    ({"company_size": 35, "title": "Director of Operations", "use_case": "inventory forecasting",
      "timeline_days": 60}, 50),
    ({"company_size": 1, "title": "Student", "use_case": "thesis research", "timeline_days": None}, 0),
    ({"company_size": 500, "title": "CIO", "use_case": None, "timeline_days": 200}, 50),
    ({"company_size": 80, "title": "Founder & CEO", "use_case": "workflow automation", "timeline_days": None}, 75),
])
def test_the_examples_of_the_shipped_flows(lead: dict[str, Any], score: int) -> None:
    assert score_lead_against(lead)["score"] == score


def test_the_flows_criteria_change_the_thresholds() -> None:
    strict = {**DEFAULT_CRITERIA, "min_company_size": 1000, "min_authority": "vp", "points_per_criterion": 10}
    result = score_lead_against({**QUALIFIED, "title": "Head of Sales"}, strict)
    assert result["breakdown"] == {"company_size": 0, "authority": 0, "icp_fit": 10, "timeline": 10}
    with pytest.raises(ValueError, match="min_authority"):
        score_lead_against(QUALIFIED, {"min_authority": "boss"})


@pytest.mark.parametrize(("title", "level"), [
    ("VP Sales", "vp"), ("Vice President, Operations", "vp"), ("SVP Revenue", "vp"), ("CIO", "c_level"),
    ("Co-Founder", "c_level"), ("Owner", "c_level"), ("President", "c_level"), ("Head of Support", "director"),
    ("Director of Operations", "director"), ("Team Lead", "manager"), ("Student", "individual"),
    ("Assistant to the VP", "individual"), ("Software Engineer", "individual"), (None, "individual"),
])
def test_authority_levels_from_titles(title: str | None, level: str) -> None:
    assert authority_level(title) == level


def test_icp_use_cases_match_by_their_words() -> None:
    icp = DEFAULT_CRITERIA["icp_use_cases"]
    assert matching_icp_use_case("Automating our lead qualification", icp) == "lead qualification"
    assert matching_icp_use_case("support automation for tickets", icp) == "support automation"
    assert matching_icp_use_case("sales forecasting", icp) is None
    assert matching_icp_use_case(None, icp) is None


@pytest.mark.parametrize(("text", "days"), [
    ("this quarter", 90), ("within the next month", 30), ("in two months", 60), ("within 45 days", 45),
    ("in 3 weeks", 21), ("next week", 7), ("ASAP please", 14), ("someday", None),
])
def test_timelines_are_read_from_messages(text: str, days: int | None) -> None:
    assert timeline_from_text(text) == days


def test_extraction_prefers_the_form_and_reads_the_message_for_the_rest() -> None:
    lead = extract_lead_fields({"email": " John.Doe@ACME.com ", "title": "VP Sales", "use_case": None,
                                "raw_message": "We want to automate lead qualification this quarter, 500 employees."})
    assert lead["email"] == "john.doe@acme.com"
    assert lead["domain"] == "acme.com"
    assert (lead["use_case"], lead["timeline_days"], lead["company_size"]) == ("lead qualification", 90, 500)
    assert lead["from_message"] == ["company_size", "use_case", "timeline_days"]
    assert extract_lead_fields({"email": "ann@gmail.com", "timeline_days": 10, "raw_message": "next year"})[
        "domain"] is None


@pytest.mark.parametrize("email", ["jane at globex", "not-an-email", "", "a@b", "two@@example.com"])
def test_a_malformed_email_is_an_invalid_lead(email: str) -> None:
    with pytest.raises(InvalidLead):
        extract_lead_fields({"email": email})
