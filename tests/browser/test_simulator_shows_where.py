"""The simulator's failure names the state, field and expression at fault, and now takes the analyst there: "Show
in the flow" selects it on the canvas and opens it in the inspector, as a click on a problem does. The failure
carried its place (a JSON pointer) but nothing could be done with it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_steps import SignIn, open_draft, screenshot, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FLOW: dict[str, Any] = {
    "id": "refund_shown",
    "title": "Refund, shown where it fails",
    "initial": "check",
    "states": {
        "check": {"type": "task", "action": "check_refund", "input": {"order": "order.id"}},
        "pay": {"type": "task", "action": "pay_refund"},
        "paid": {"type": "final", "outcome": "success"},
    },
    "transitions": [
        {"source": "check", "trigger": "done", "dest": "pay"},
        {"source": "pay", "trigger": "done", "dest": "paid", "guard": "event.score > 3"},
        {"source": "pay", "trigger": "error", "dest": "paid"},
    ],
}

SELECTED = re.compile(r"\bselected\b")


def test_show_in_the_flow_selects_what_failed_and_opens_the_inspector(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, FLOW, showing="check")
    page.get_by_test_id("panel-simulate").click()

    # 'check' cannot start: its input 'order' needs order.id. Shown with the keyboard alone.
    page.get_by_test_id("sim-context").fill("{}")
    page.get_by_test_id("sim-start").click()
    failure = page.get_by_test_id("sim-failure")
    expect(failure).to_have_attribute("data-pointer", "/states/check/input/order")
    show = failure.get_by_role("button", name="Show in the flow")
    expect(show).to_be_visible()
    screenshot(page, "simulator-failure-show-in-the-flow")
    show.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("panel-inspect")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("field-id")).to_have_value("check")
    expect(state(page, "check")).to_have_class(SELECTED)
    screenshot(page, "simulator-failure-shown-in-the-flow")

    # The simulation is still there; a refused event's guard is shown as its transition.
    page.get_by_test_id("panel-simulate").click()
    page.get_by_test_id("sim-context").fill('{"order": {"id": "A-1"}}')
    page.get_by_test_id("sim-start").click()
    page.get_by_test_id("sim-fire-done").click()
    expect(page.get_by_test_id("sim-state")).to_have_text("pay")
    page.get_by_test_id("sim-fire-done").click()
    refused = page.get_by_test_id("sim-rejected-why")
    expect(refused).to_have_attribute("data-pointer", "/transitions/1/guard")
    refused.get_by_test_id("sim-rejected-why-show").click()
    expect(page.get_by_test_id("transition-inspector")).to_have_attribute("aria-label", "Transition 2")
    expect(page.get_by_test_id("field-guard")).to_have_value("event.score > 3")
    expect(state(page, "check")).not_to_have_class(SELECTED)
