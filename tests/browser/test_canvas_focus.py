"""Where the focus goes from the canvas' palette and from a problem about a state. A state added from the palette
(Enter on "Task") was selected while the focus stayed on the palette's button, so the next Escape deselected it;
the new state's Id field now takes the focus, its id selected, to be named at once. A problem about a state that
lacks a way out (no transition on 'done', none at all) selected the state with its inspector shown from the top;
it now opens at "New transition to", where that way out is added, as other problems open at their field."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, at_the_field, open_draft, screenshot, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FLOW: dict[str, Any] = {
    "id": "ways_out",
    "title": "Ways out",
    "initial": "intake",
    "states": {
        "intake": {"type": "task", "title": "Receive claim", "action": "read_ticket", "agent": "support_concierge",
                   "description": "Reads the claim and what came with it. " * 8},
        "wait_docs": {"type": "wait", "title": "Wait for supporting documents", "event": {"type": "docs_received"},
                      "timeout": "P7D", "output": "docs"},
        "rejected": {"type": "final", "outcome": "failure"},
        "paid": {"type": "final", "outcome": "success"},
    },
    "transitions": [
        {"source": "intake", "trigger": "done", "dest": "wait_docs"},
        {"source": "intake", "trigger": "error", "dest": "rejected"},
        {"source": "wait_docs", "trigger": "timeout", "dest": "rejected"},
    ],
    "layout": {"intake": {"x": 0, "y": 0}, "wait_docs": {"x": 0, "y": 160}, "rejected": {"x": 260, "y": 320},
               "paid": {"x": 0, "y": 320}},
}


def test_a_missing_way_out_opens_new_transition_to(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, FLOW, showing="wait_docs")
    problems = page.get_by_test_id("findings-panel")
    problems.get_by_role("button").filter(has_text="has no transition on 'done'").click()
    expect(page.get_by_test_id("field-id")).to_have_value("wait_docs")
    dest = page.get_by_test_id("new-transition-dest")
    at_the_field(dest)
    screenshot(page, "canvas-problem-opens-new-transition")

    # Picking the state it goes to and Add: the transition is there, the problem about it gone once given 'done'.
    dest.select_option("paid")
    page.get_by_test_id("add-transition").click()
    page.get_by_test_id("field-trigger").fill("done")
    page.get_by_test_id("field-trigger").press("Tab")
    expect(problems.get_by_role("button").filter(has_text="has no transition on 'done'")).to_have_count(0)

    # A problem about another field of the state still opens that field (the timeout's warning opens the timeout).
    wait = {**FLOW["states"]["wait_docs"]}
    del wait["timeout"]
    page = open_draft(server, sign_in, {**FLOW, "id": "ways_out_2", "states": {**FLOW["states"], "wait_docs": wait},
                                        "transitions": FLOW["transitions"][:2]}, showing="wait_docs")
    page.get_by_test_id("findings-panel").get_by_role("button").filter(has_text="no transition out of it").click()
    expect(page.get_by_test_id("field-id")).to_have_value("wait_docs")
    at_the_field(page.get_by_test_id("new-transition-dest"))


def test_a_state_added_with_the_keyboard_is_named_at_once(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, FLOW, showing="intake")
    page.get_by_test_id("palette-task").focus()
    page.keyboard.press("Enter")
    field = page.get_by_test_id("field-id")
    expect(field).to_have_value("task_1")
    expect(field).to_be_focused()
    expect(state(page, "task_1")).to_be_visible()
    screenshot(page, "canvas-keyboard-add-names-the-state")

    # Typing replaces the id given; Enter renames, the focus staying in the field; Escape there leaves the state
    # selected.
    page.keyboard.type("check_documents")
    page.keyboard.press("Enter")
    expect(state(page, "check_documents")).to_be_visible()
    expect(field).to_have_value("check_documents")
    expect(field).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("state-inspector")).to_be_visible()
    expect(field).to_have_value("check_documents")

    # A click on the palette does the same.
    page.get_by_test_id("palette-final").click()
    expect(field).to_have_value("final_1")
    expect(field).to_be_focused()
