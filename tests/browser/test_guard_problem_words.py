"""A guard that does not parse is explained in plain words, and every place that names its transition gives it the
same number. The analyst who typed `vendor.risk_score >== 70` read "Transition 3" in the heading and the Problems
panel's location, "The guard of transition 2" in the message, and the CEL parser's own words ("Syntax error:
token recognition error at: '= '")."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_steps import SignIn, screenshot, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FLOW: dict[str, Any] = {
    "id": "risk_words",
    "title": "Risk words",
    "initial": "intake",
    "context": {"type": "object", "properties": {"vendor": {"type": "object", "properties": {
        "risk_score": {"type": "integer"}}}}},
    "states": {
        "intake": {"type": "approval", "approvers": {"roles": ["sales_manager"]}},
        "risk_gate": {"type": "choice", "title": "How risky is the vendor?"},
        "compliance_check": {"type": "final", "outcome": "success"},
        "high_risk_review": {"type": "final", "outcome": "success"},
        "research": {"type": "final", "outcome": "success"},
        "rejected": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "intake", "trigger": "approve", "dest": "risk_gate"},
        {"source": "risk_gate", "dest": "compliance_check", "guard": "vendor.risk_score >= 30", "priority": 1},
        {"source": "risk_gate", "dest": "high_risk_review", "guard": "vendor.risk_score >= 70", "priority": 2},
        {"source": "risk_gate", "dest": "research"},
        {"source": "intake", "trigger": "reject", "dest": "rejected"},
    ],
}


def _mistype_the_guard(server: LiveServer, page: Page) -> None:
    draft = server.api("POST", "/api/drafts", {"content": {**FLOW, "id": f"{FLOW['id']}_{id(page)}"}},
                       token=server.token("analyst"))
    page.goto(f"/drafts/{draft['id']}")
    page.get_by_test_id("canvas-search").fill("risk_gate")
    page.get_by_test_id("canvas-search").press("Enter")
    page.get_by_test_id("select-transition-2").click()
    expect(page.get_by_test_id("transition-inspector")).to_contain_text("Transition 3")
    page.get_by_test_id("field-guard").fill("vendor.risk_score >== 70")
    wait_validated(page)


def test_a_guard_that_does_not_parse_is_explained_in_plain_words(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    _mistype_the_guard(server, page)
    words = ("is not a valid expression near '= ' (column 21): '=' is not part of any operator or name: "
             "check for a mistyped operator (==, !=, <, <=, >, >=, &&, ||).")
    problem = page.get_by_test_id("transition-inspector").locator(".field-problem")
    expect(problem).to_contain_text(words)
    expect(problem).not_to_contain_text("token recognition")
    row = page.get_by_test_id("finding-guard-syntax")
    expect(row).to_contain_text(words)
    expect(row.get_by_test_id("finding-target")).to_have_text("transition 3")
    # the parser's own words are kept, as the row's tooltip
    expect(row.locator(".finding-message")).to_have_attribute("title", re.compile("token recognition error at: '= '"))
    screenshot(page, "guard-problem-in-plain-words")


def test_the_transition_has_one_number_everywhere(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    _mistype_the_guard(server, page)
    expect(page.get_by_test_id("finding-guard-syntax")).to_contain_text("The guard of transition 3 (risk_gate",
                                                                        timeout=3000)


def test_a_guard_written_with_and_is_told_that_cel_writes_it_as_ampersands(server: LiveServer,
                                                                          sign_in: SignIn) -> None:
    """An analyst wrote `vendor.risk_score >= 30 and vendor.risk_score < 70` (Python's and SQL's word) and read
    only that 'and' cannot come there."""
    page = sign_in("analyst")
    draft = server.api("POST", "/api/drafts", {"content": {**FLOW, "id": f"{FLOW['id']}_and_{id(page)}"}},
                       token=server.token("analyst"))
    page.goto(f"/drafts/{draft['id']}")
    page.get_by_test_id("canvas-search").fill("risk_gate")
    page.get_by_test_id("canvas-search").press("Enter")
    page.get_by_test_id("select-transition-2").click()
    page.get_by_test_id("field-guard").fill("vendor.risk_score >= 30 and vendor.risk_score < 70")
    wait_validated(page)
    row = page.get_by_test_id("finding-guard-syntax")
    expect(row).to_contain_text("'and' cannot come there")
    expect(row).to_contain_text("CEL writes 'and' as '&&'.")
