"""The Support Concierge's P1-P4 triage, table-driven against the design document's criteria."""

from __future__ import annotations

import pytest

from agents.handlers.triage_rules import CATEGORIES, triage


@pytest.mark.parametrize(("subject", "description", "priority", "category"), [
    # P1 (critical): production down, data loss, security breach
    ("Production down: API returns 500 for every request",
     "Since 09:10 UTC all API calls fail with 500. Our checkout is down.", "P1", "performance"),
    ("We lost all our data", "After the import, data was deleted from every project.", "P1", "product"),
    ("Suspicious login", "I think our account was hacked yesterday.", "P1", "security"),
    ("Outage", "Total outage in EU since 10:00.", "P1", "performance"),
    # P2 (high): major feature broken, multiple users affected
    ("Exports time out again", "Large report exports have timed out three times this month for our team.",
     "P2", "product"),
    ("Webhooks broken", "None of our webhooks arrive; everyone on the team sees errors.", "P2", "integrations"),
    # P3 (medium): single user impact, workaround available
    ("Locked out after password reset",
     "I reset my password yesterday and now I can't sign in, it says my account is locked.", "P3", "account"),
    ("Invoice shows wrong VAT", "My invoice shows the wrong VAT number; I download it by hand as a workaround.",
     "P3", "billing"),
    # P4 (low): feature requests, questions
    ("Air-gapped on-premise installation",
     "Can we run your product fully on-premise in an air-gapped network?", "P4", "product"),
    ("Feature request: dark mode", "It would be nice to have a dark mode.", "P4", "product"),
    ("Question", "Who do I talk to about a partnership?", "P4", "other"),
    ("Salesforce sync", "How do I connect the Salesforce integration?", "P4", "integrations"),
])
def test_priority_and_category(subject: str, description: str, priority: str, category: str) -> None:
    result = triage(subject, description)
    assert (result.priority, result.category) == (priority, category)
    assert result.summary.startswith(f"{priority} {category} ticket: {subject}")


def test_a_workaround_makes_a_team_wide_problem_medium() -> None:
    assert triage("Export broken", "Our exports fail; in the meantime we copy the table by hand.").priority == "P3"


def test_the_result_fits_the_flows_schema() -> None:
    result = triage("Anything", "").as_dict()
    assert set(result) == {"priority", "category", "summary", "reason"}
    assert result["category"] in CATEGORIES
