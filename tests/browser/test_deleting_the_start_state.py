"""Deleting the start state leaves the flow without one, and says so: the designer quietly made the first
remaining state the start (any state — a final one even), and an analyst who did not notice published a flow that
began somewhere they never chose. Now the notice names the state deleted and where to choose a new start, the
Initial state field is empty, validation names the problem, and Undo brings the start back."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, json_text, laid_out, screenshot, select_state, state, wait_validated
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "start_deleted",
    "title": "Start deleted",
    "initial": "intake",
    "states": {
        "intake": {"type": "task", "title": "Take the request in", "action": "score_lead"},
        "approved": {"type": "final", "outcome": "success"},
        "review": {"type": "task", "action": "score_lead"},
    },
    "transitions": [
        {"source": "intake", "trigger": "done", "dest": "review"},
        {"source": "review", "trigger": "done", "dest": "approved"},
    ],
}


def test_deleting_the_start_state_leaves_no_start_and_says_so(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "intake")).to_be_visible()
    laid_out(page)
    select_state(page, "intake")
    page.keyboard.press("Delete")
    expect(state(page, "intake")).to_have_count(0)

    message = page.get_by_test_id("designer-message")
    expect(message).to_contain_text("You deleted “Take the request in”, the start state: the workflow now has no "
                                    "start state")
    expect(message).to_contain_text("“Initial state”")
    # No state was made the start behind the analyst's back: not the first left (a final state here), nor any.
    expect(page.locator(".state-initial")).to_have_count(0)
    expect(page.get_by_test_id("field-initial")).to_have_value("")
    wait_validated(page)
    expect(page.get_by_test_id("findings-panel")).to_contain_text("'initial' cannot be empty")
    screenshot(page, "start-state-deleted")
    page.get_by_test_id("view-json").click()
    assert json_text(page)["initial"] == ""

    page.get_by_test_id("undo").click()
    assert json_text(page)["initial"] == "intake"


def test_the_notice_lasts_only_while_the_flow_has_no_start(server: LiveServer, sign_in: SignIn) -> None:
    """Undo brought the start back but the notice stayed, telling the analyst the flow had no start when it had:
    the notice now follows the document — gone on Undo, back on Redo, gone once a new start is chosen."""
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "intake")).to_be_visible()
    select_state(page, "intake")
    page.keyboard.press("Delete")
    message = page.get_by_test_id("designer-message")
    expect(message).to_contain_text("the start state: the workflow now has no start state")

    page.keyboard.press("Control+z")
    expect(state(page, "intake")).to_be_visible()
    expect(page.locator(".state-initial")).to_have_count(1)
    expect(message).to_have_count(0)

    page.get_by_test_id("redo").click()
    expect(state(page, "intake")).to_have_count(0)
    expect(message).to_contain_text("You deleted “Take the request in”, the start state")

    page.get_by_test_id("field-initial").select_option("review")
    expect(page.locator(".state-initial")).to_have_count(1)
    expect(message).to_have_count(0)
