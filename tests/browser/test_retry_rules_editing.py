"""An analyst edits a task's retry rules in the inspector — the single policy shown as its one rule, kinds and
attempts changed, a rule added, a rule that can never apply flagged and removed — limits an error transition
to some kinds (the edge label names them), sees the output path accepted, and saves."""

from __future__ import annotations

import pytest
from browser_steps import SignIn, screenshot, select_state, state, transition_label, wait_validated
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAFT = {
    "id": "company_lookup",
    "title": "Company lookup",
    "initial": "lookup",
    "states": {
        "lookup": {"type": "task", "action": "lookup_company", "output": "company",
                   "retry": {"max_attempts": 3, "initial_interval_s": 2, "retry_on": ["timeout"]}},
        "found": {"type": "final", "outcome": "success"},
        "invalid": {"type": "final", "outcome": "failure"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "lookup", "trigger": "done", "dest": "found"},
        {"source": "lookup", "trigger": "error", "dest": "invalid"},
        {"source": "lookup", "trigger": "error", "dest": "failed", "priority": -1},
    ],
    "layout": {"lookup": {"x": 0, "y": 0}, "found": {"x": -220, "y": 180}, "invalid": {"x": 0, "y": 180},
               "failed": {"x": 220, "y": 180}},
}


def test_analyst_edits_retry_rules_and_an_error_catch_and_saves(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=token)
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "lookup")).to_be_visible()

    # The policy object is shown as its one rule: its retry_on kinds are the rule's kinds.
    select_state(page, "lookup")
    expect(page.get_by_test_id("retry-rule-0")).to_be_visible()
    expect(page.get_by_test_id("field-retry-0-errors")).to_have_value("timeout")
    expect(page.get_by_test_id("field-retry-0-max_attempts")).to_have_value("3")
    expect(page.get_by_test_id("retry-rule-1")).to_have_count(0)

    # Edit the rule, then add one for rate limits with its own wait.
    page.get_by_test_id("field-retry-0-errors").fill("timeout, unavailable")
    page.get_by_test_id("field-retry-0-max_attempts").fill("4")
    page.get_by_test_id("retry-add-rule").click()
    page.get_by_test_id("field-retry-1-errors").fill("rate_limited")
    page.get_by_test_id("field-retry-1-initial_interval_s").fill("30")
    page.get_by_test_id("field-retry-1-backoff").select_option("fixed")
    page.get_by_test_id("field-retry-1-jitter").uncheck()

    # A catch-all rule, then a rule after it: validation says the last never applies, on that rule.
    page.get_by_test_id("retry-add-rule").click()
    page.get_by_test_id("retry-add-rule").click()
    page.get_by_test_id("field-retry-3-errors").fill("validation")
    wait_validated(page)
    expect(page.get_by_test_id("retry-rule-3-problem")).to_contain_text("never applies")
    expect(page.locator('[data-testid="finding-unreachable-retry-rule"]')).to_have_count(1)
    page.get_by_test_id("retry-remove-3").click()
    page.get_by_test_id("retry-remove-2").click()
    wait_validated(page)
    expect(page.locator('[data-testid="finding-unreachable-retry-rule"]')).to_have_count(0)

    # A nested output path is accepted.
    page.get_by_test_id("field-output").fill("enrichment.company")
    wait_validated(page)
    expect(page.locator('[data-testid^="finding-schema"]')).to_have_count(0)

    # The error transition to `invalid` catches only validation errors; its label says so.
    transition_label(page, 1).click()
    expect(page.get_by_test_id("transition-inspector")).to_be_visible()
    page.get_by_test_id("field-errors").fill("validation")
    page.get_by_test_id("field-priority").fill("1")
    expect(page.get_by_test_id("transition-1-errors")).to_have_text("(validation)")
    wait_validated(page)
    screenshot(page, "retry-rules-editing")

    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("designer-message")).to_contain_text("Draft saved")
    saved = server.api("GET", f"/api/drafts/{draft['id']}", token=token)["content"]
    lookup = saved["states"]["lookup"]
    assert lookup["output"] == "enrichment.company"
    assert lookup["retry"] == [
        {"max_attempts": 4, "initial_interval_s": 2, "errors": ["timeout", "unavailable"]},
        {"errors": ["rate_limited"], "max_attempts": 3, "backoff": "fixed", "initial_interval_s": 30,
         "jitter": False},
    ]
    assert saved["transitions"][1] == {"source": "lookup", "trigger": "error", "dest": "invalid",
                                       "errors": ["validation"], "priority": 1}
    report = server.api("POST", f"/api/drafts/{draft['id']}/validate", token=token)
    codes = {finding["code"] for finding in report["findings"]}
    assert not codes & {"schema", "unreachable-retry-rule", "unreachable-catch", "unknown-error-kind"}, codes
