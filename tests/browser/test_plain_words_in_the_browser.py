"""An analyst reads the designer's messages in plain words (finding 9): a new, empty flow is told to "Add at
least one state" rather than pydantic's "Dictionary should have at least 1 item after validation", and the
simulator's log says "a 24 h timer started" rather than the engine's ArmTimer/ClearWaits."""

from __future__ import annotations

import pytest
from browser_steps import SignIn, state
from docs_screens import save_doc_screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EMPTY = {
    "id": "brand_new_flow",
    "version": 1,
    "title": "Brand new flow",
    "context": {"type": "object", "properties": {}},
    "initial": "",
    "states": {},
    "transitions": [],
    "layout": {},
}

WAITING = {
    "id": "plain_simulation",
    "title": "Plain simulation",
    "initial": "wait_a_day",
    "states": {
        "wait_a_day": {"type": "wait", "duration": "PT24H"},
        "follow_up": {"type": "task", "action": "send_follow_up"},
        "done": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "wait_a_day", "trigger": "done", "dest": "follow_up"},
        {"source": "follow_up", "trigger": "done", "dest": "done"},
        {"source": "follow_up", "trigger": "error", "dest": "failed"},
    ],
}


def test_a_new_flow_is_told_what_to_add_in_plain_words(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": EMPTY}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    panel = page.get_by_test_id("findings-panel")
    expect(panel).to_contain_text("Add at least one state")
    expect(panel).not_to_contain_text("Dictionary")
    expect(panel).not_to_contain_text("after validation")


def test_the_simulator_log_speaks_plain_words(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": WAITING}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "wait_a_day")).to_be_visible()
    page.get_by_test_id("panel-simulate").click()
    page.get_by_test_id("sim-start").click()
    steps = page.get_by_test_id("sim-steps")
    expect(steps).to_contain_text("a 24 h timer started")
    page.get_by_test_id("sim-fire-done").click()
    expect(steps).to_contain_text("runs the action send_follow_up")
    expect(steps).to_contain_text("stops what the state was waiting for")
    for internal in ("ArmTimer", "ClearWaits", "RunAction", "AwaitEvent"):
        expect(steps).not_to_contain_text(internal)
    save_doc_screenshot(page, "designer-simulator")
