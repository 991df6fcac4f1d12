"""A final state's outcome is a visible choice: a final added from the palette shows Success and Failure side by
side at the top of its inspector, with Success (the format's default) chosen; one named like an unhappy end
("rejected") that still ends in success says so; choosing Failure shows on the node and in the JSON. It used to
be a drop-down under the other fields, set to "success" for a state the analyst had just called "rejected"."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, add_state, json_text, screenshot, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "final_outcome",
    "title": "Final outcome",
    "initial": "work",
    "states": {"work": {"type": "task", "action": "score_lead"}},
    "transitions": [],
    "layout": {"work": {"x": 0, "y": 0}},
}


def test_a_new_final_state_shows_its_outcome_as_a_choice(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    add_state(page, "final", "rejected")

    outcome = page.get_by_test_id("field-outcome")
    expect(outcome).to_be_visible()
    expect(page.get_by_test_id("outcome-success")).to_be_checked()
    expect(page.get_by_test_id("outcome-failure")).not_to_be_checked()
    expect(page.get_by_test_id("outcome-warning")).to_contain_text(
        "“rejected” sounds like an unhappy end, yet this state ends the instance as a success")
    expect(outcome).to_be_in_viewport()  # at the top of the inspector, in view without scrolling
    screenshot(page, "final-state-outcome-choice")

    page.get_by_test_id("outcome-failure").check()
    expect(page.get_by_test_id("outcome-warning")).to_have_count(0)
    expect(state(page, "rejected")).to_contain_text("failure")
    page.get_by_test_id("view-json").click()
    assert json_text(page)["states"]["rejected"] == {"type": "final", "outcome": "failure"}


def test_a_happy_final_state_gets_no_warning(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    add_state(page, "final", "approved")
    expect(page.get_by_test_id("outcome-success")).to_be_checked()
    expect(page.get_by_test_id("outcome-warning")).to_have_count(0)
