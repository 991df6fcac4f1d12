"""Adding a transition from the inspector with the keyboard ("New transition to", then Add): the focus goes to the
new transition's heading in the inspector, and Tab goes on to its first field. It used to fall to the page's <body>,
and a keyboard user started again from "Skip to content", some forty stops away (QA at 1366x768)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_steps import screenshot, state, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SMALL_SCREEN = {"width": 1366, "height": 768}

FLOW: dict[str, Any] = {
    "id": "focus_after_adding",
    "title": "Focus after adding",
    "initial": "triage",
    "states": {
        "triage": {"type": "task", "action": "score_lead"},
        "resolved": {"type": "final"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "triage", "trigger": "done", "dest": "resolved"}],
}

ACTIVE = """() => {
  const e = document.activeElement;
  return e ? {tag: e.tagName, text: e.textContent, testid: e.dataset.testid || null} : null;
}"""


def test_the_new_transition_takes_the_focus(server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    draft = server.api("POST", "/api/drafts", {"content": FLOW}, token=server.token("analyst"))
    page = sign_in_as(server, "analyst", viewport=SMALL_SCREEN)
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "triage")).to_be_visible()
    wait_validated(page)

    search = page.get_by_test_id("canvas-search")
    search.fill("triage")
    search.press("Enter")
    expect(page.get_by_test_id("field-id")).to_have_value("triage")
    target = page.get_by_test_id("new-transition-dest")
    target.focus()
    target.select_option("failed")
    page.keyboard.press("Tab")  # to Add
    assert page.evaluate(ACTIVE)["testid"] == "add-transition"
    page.keyboard.press("Enter")

    inspector = page.get_by_test_id("transition-inspector")
    expect(inspector).to_be_visible()
    expect(page.get_by_test_id("field-dest")).to_have_value("failed")
    heading = inspector.get_by_role("heading", name="Transition 2")
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()
    screenshot(page, "focus-after-adding-a-transition")
    page.screenshot(path="/tmp/ui_polish/01_focus_after_adding_transition.png")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("field-source")).to_be_focused()

    # the same from "Transitions out": the link taken away with the state's inspector leaves the focus on the heading
    search.fill("triage")
    search.press("Enter")
    expect(page.get_by_test_id("field-id")).to_have_value("triage")
    link = page.get_by_test_id("select-transition-0")
    link.focus()
    page.keyboard.press("Enter")
    expect(inspector.get_by_role("heading", name="Transition 1")).to_be_focused()


def test_a_click_on_the_canvas_leaves_the_focus_where_the_person_put_it(
        server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    """Only a control the inspector took away hands the focus on: a state chosen on the canvas keeps it there."""
    draft = server.api("POST", "/api/drafts", {"content": {**FLOW, "id": "focus_stays_on_the_canvas"}},
                       token=server.token("analyst"))
    page = sign_in_as(server, "analyst", viewport=SMALL_SCREEN)
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "triage")).to_be_visible()
    wait_validated(page)
    page.get_by_test_id("canvas-search").fill("resolved")
    page.get_by_test_id("canvas-search").press("Enter")
    page.get_by_test_id("field-title").click()  # the focus in the inspector, then a click elsewhere
    state(page, "triage").click()
    expect(page.get_by_test_id("field-id")).to_have_value("triage")
    focused = page.evaluate(ACTIVE)
    assert focused is None or focused["tag"] != "H2", focused
