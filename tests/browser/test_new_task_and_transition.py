"""A new task asks for its action instead of naming one that is not registered (it was `do_work`, an error the
analyst never chose); choosing an action fills in the agent the list names beside it; and a transition just added
is shown from its heading, not where the state's inspector had been scrolled to."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, json_text, laid_out, screenshot, wait_validated
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "new_task_words",
    "title": "New task",
    "initial": "done",
    "states": {"done": {"type": "final", "outcome": "success"}},
    "transitions": [],
    "layout": {"done": {"x": 0, "y": 0}},
}


def test_a_new_task_asks_for_its_action_which_brings_its_agent(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)
    page.get_by_test_id("palette-task").click()
    action = page.locator("select[data-testid='field-action']")
    expect(action).to_be_visible()
    expect(action).to_have_value("")
    expect(action.locator("option:checked")).to_have_text("— choose a registered action —")
    wait_validated(page)
    expect(page.get_by_test_id("finding-unknown-action")).to_have_count(0)
    expect(page.get_by_test_id("state-inspector")).to_contain_text("'action' is required here.")
    expect(page.get_by_test_id("state-inspector")).to_contain_text("Choose the action this task runs")

    action.select_option("extract_lead")  # listed as "extract_lead (bdr_concierge)"
    expect(page.get_by_test_id("field-agent")).to_have_value("bdr_concierge")
    page.get_by_test_id("view-json").click()
    assert json_text(page)["states"]["task_1"] == {"type": "task", "action": "extract_lead", "agent": "bdr_concierge"}
    page.get_by_test_id("view-diagram").click()

    # A transition added from the bottom of the state's inspector: the panel shows it from its top.
    page.get_by_test_id("new-transition-dest").select_option("done")
    page.get_by_test_id("add-transition").click()
    inspector = page.get_by_test_id("transition-inspector")
    expect(inspector.get_by_role("heading", name="Transition 1")).to_be_in_viewport()
    expect(page.get_by_test_id("field-source")).to_be_in_viewport()
    screenshot(page, "new-transition-shown-from-its-top")
