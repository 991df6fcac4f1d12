""""Show in the flow" (the simulator) and a click on a problem (the Problems panel) select the state or transition
on the canvas and now open the inspector at the very field the pointer names — the row of an input mapping, a
transition's guard — scrolled into view, focused and outlined; they used to stop at the element's first field,
leaving the analyst to look for the one at fault. Where the inspector has no field for the pointer (a task's
"ask the user" settings), the state is shown as before."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_steps import SignIn, at_the_field, open_draft, screenshot, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

REVEALED = re.compile(r"\bfield-revealed\b")
SELECTED = re.compile(r"\bselected\b")

# 'check' has many fields, its input mapping far enough down the inspector to need scrolling to.
FLOW: dict[str, Any] = {
    "id": "shown_at_the_field",
    "title": "Shown at the field",
    "initial": "check",
    "states": {
        "check": {
            "type": "task", "action": "check_refund", "title": "Check the refund",
            "description": "Looks the order up and checks the refund is allowed. " * 6,
            "input": {"customer": "'anyone'", "order": "order.id", "reason": "'asked'"},
            "output": "checked", "timeout_s": 30,
            "retry": [{"errors": ["timeout"], "max_attempts": 3, "backoff": "exponential", "initial_interval_s": 1}],
        },
        "pay": {"type": "task", "action": "pay_refund"},
        "paid": {"type": "final", "outcome": "success"},
    },
    "transitions": [
        {"source": "check", "trigger": "done", "dest": "pay"},
        {"source": "pay", "trigger": "done", "dest": "paid", "guard": "event.score > 3"},
        {"source": "pay", "trigger": "error", "dest": "paid"},
    ],
}


def test_show_in_the_flow_opens_the_inspectorat_the_field(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, FLOW, showing="check")
    page.get_by_test_id("panel-simulate").click()

    # 'check' cannot start: its input 'order' (the mapping's second row) needs order.id.
    page.get_by_test_id("sim-context").fill("{}")
    page.get_by_test_id("sim-start").click()
    failure = page.get_by_test_id("sim-failure")
    expect(failure).to_have_attribute("data-pointer", "/states/check/input/order")
    failure.get_by_role("button", name="Show in the flow").click()
    expect(page.get_by_test_id("panel-inspect")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("field-id")).to_have_value("check")
    expect(state(page, "check")).to_have_class(SELECTED)
    row = page.get_by_test_id("field-input-value-1")
    expect(row).to_have_value("order.id")
    at_the_field(row)
    assert page.locator(".field-revealed").count() == 1
    screenshot(page, "show-in-the-flow-opens-the-input-row")

    # Typing goes on in the expression at fault; leaving it takes the outline away.
    page.keyboard.press("End")
    page.keyboard.type(" + ''")
    expect(row).to_have_value("order.id + ''")
    page.get_by_test_id("field-title").focus()
    expect(page.locator(".field-revealed")).to_have_count(0)

    # A refused event's guard: the transition's Guard field, not its From.
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
    guard = page.get_by_test_id("field-guard")
    expect(guard).to_have_value("event.score > 3")
    at_the_field(guard)
    screenshot(page, "show-in-the-flow-opens-the-guard")


def test_a_problem_opens_the_inspector_at_the_field_or_else_at_the_state(server: LiveServer, sign_in: SignIn) -> None:
    content: dict[str, Any] = {
        **FLOW,
        "states": {
            **FLOW["states"],
            "check": {**FLOW["states"]["check"], "input": {**FLOW["states"]["check"]["input"], "reason": "'asked' +"},
                      "ask_user": {"errors": ["validation"], "question": "'Which order?' +", "timeout": "PT1H"}},
        },
        "transitions": [FLOW["transitions"][0],
                        {**FLOW["transitions"][1], "guard": "event.score >"},
                        FLOW["transitions"][2]],
    }
    page = open_draft(server, sign_in, content, showing="check")
    problems = page.get_by_test_id("findings-panel")

    # A guard that is no CEL: the transition's Guard field.
    problems.get_by_role("button").filter(has_text="guard of transition 2").click()
    expect(page.get_by_test_id("transition-inspector")).to_have_attribute("aria-label", "Transition 2")
    at_the_field(page.get_by_test_id("field-guard"))
    screenshot(page, "problem-opens-the-guard")

    # An input that is no CEL: its row of the input mapping (the third), in the state inspector.
    problems.get_by_role("button").filter(has_text="input 'reason'").click()
    expect(page.get_by_test_id("field-id")).to_have_value("check")
    row = page.get_by_test_id("field-input-value-2")
    expect(row).to_have_value("'asked' +")
    at_the_field(row)

    # The question asked of the user has no field in the inspector: the state is shown from its top, as before.
    page.get_by_test_id("field-title").focus()
    problems.get_by_role("button").filter(has_text=re.compile("question", re.I)).click()
    expect(page.get_by_test_id("field-id")).to_have_value("check")
    expect(state(page, "check")).to_have_class(SELECTED)
    expect(page.locator(".field-revealed")).to_have_count(0)
    expect(page.get_by_test_id("field-id")).to_be_in_viewport()
    expect(page.get_by_test_id("view-diagram")).to_have_attribute("aria-selected", "true")
