"""An operator resumes a failed instance from its page: a correction whose key is no context path is refused in
words at the field before anything is sent (Redrive waits), and the redrive goes through once the text is
corrected, with no error left on the page."""

from __future__ import annotations

import time
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The task gives its action the context's lead, which the instance is started without: the input does not evaluate,
# so the task fails (kind input) and nothing leaves the task on 'error'.
SCORING: dict[str, Any] = {
    "id": "scoring_without_a_lead",
    "title": "Scoring without a lead",
    "initial": "score",
    "states": {"score": {"type": "task", "action": "score_lead", "input": {"lead": "lead"}, "output": "lead"},
               "scored": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "score", "trigger": "done", "dest": "scored"}],
}


def _failed_instance(server: LiveServer, token: str) -> dict[str, Any]:
    started = server.publish_and_start(SCORING, {}, token=token)
    for _ in range(300):
        found: dict[str, Any] = server.api("GET", f"/api/instances/{started['id']}", token=token)
        if found["status"] != "running":
            assert (found["status"], found["redrivable"]) == ("failed", True)
            return found
        time.sleep(0.05)
    raise AssertionError(f"the instance {started['id']} did not fail")


def test_a_bad_correction_is_refused_in_words_and_its_error_goes_once_a_redrive_gets_through(
        server: LiveServer, sign_in: SignIn) -> None:
    failed = _failed_instance(server, server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/instances/{failed['id']}")
    expect(page.get_by_test_id("instance-status")).to_have_text("failed")

    page.get_by_test_id("redrive-set").fill('{"lead..score": 70}')
    # said at the field, and Redrive waits (test_pages_operator_json_fields.py)
    refusal = page.get_by_test_id("redrive-set-problem")
    expect(refusal).to_contain_text("'lead..score' is not a context path")
    expect(refusal).not_to_contain_text("pattern")  # the regular expression is the server's business
    expect(page.get_by_test_id("op-redrive")).to_be_disabled()
    expect(page.locator("[data-testid^='timeline-row-']")).to_have_count(2)  # nothing was sent
    screenshot(page, "redrive-correction-refused")

    page.get_by_test_id("redrive-set").fill("")
    page.get_by_test_id("op-redrive").click()  # goes through (and the task fails again: the lead is still missing)
    expect(page.locator("[data-testid^='timeline-row-']")).not_to_have_count(2)
    expect(page.get_by_test_id("instance-operation-error")).to_have_count(0)
