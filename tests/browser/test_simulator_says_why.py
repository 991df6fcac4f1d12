"""The simulator says why a step failed: it showed "finished: failure", or "done refused in check: no transition's
guard held", and left the analyst to guess which input, guard or context key was at fault."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, open_draft, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FLOW: dict[str, Any] = {
    "id": "refund_simulated",
    "title": "Refund, simulated",
    "initial": "check",
    "states": {
        "check": {"type": "task", "action": "check_refund", "input": {"order": "order.id"}},
        "pay": {"type": "task", "action": "pay_refund"},
        "paid": {"type": "final", "outcome": "success"},
    },
    "transitions": [{"source": "check", "trigger": "done", "dest": "pay"},
                    {"source": "pay", "trigger": "done", "dest": "paid", "guard": "event.score > 3"},
                    {"source": "pay", "trigger": "error", "dest": "paid"}],
}


def test_the_simulator_names_the_input_and_the_guard_that_failed(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, FLOW, showing="check")
    page.get_by_test_id("panel-simulate").click()

    page.get_by_test_id("sim-context").fill("{}")
    page.get_by_test_id("sim-start").click()
    expect(page.get_by_test_id("sim-state")).to_have_text("check")
    why = page.get_by_test_id("sim-failure")
    expect(why).to_contain_text("'check' could not start: its input 'order' (`order.id`) could not be evaluated: "
                                "'order' is not in the context.")
    expect(why.get_by_test_id("sim-failure-where")).to_contain_text("input 'order' order.id")
    screenshot(page, "simulator-says-why-a-step-failed")

    page.get_by_test_id("sim-context").fill('{"order": {"id": "A-1"}}')
    page.get_by_test_id("sim-start").click()
    expect(page.get_by_test_id("sim-failure")).to_have_count(0)
    page.get_by_test_id("sim-fire-done").click()
    expect(page.get_by_test_id("sim-state")).to_have_text("pay")
    page.get_by_test_id("sim-fire-done").click()
    refused = page.get_by_test_id("sim-rejected-why")
    expect(refused).to_contain_text("the guard `event.score > 3` of transition 2 (pay → paid on 'done') could not "
                                    "be evaluated, so it counted as false: no such key 'score'.")
    screenshot(page, "simulator-says-why-an-event-was-refused")
