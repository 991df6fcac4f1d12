"""The editor in a 1024 px window (a laptop, or a wider screen zoomed to 125 to 150 %): the canvas keeps most of
the width, and a problem's place inside a map's iterator stays inside the Problems panel. At this width the
palette and inspector left the canvas 464 px of 1024, and a long place ran out past the panel's edge."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import screenshot, settled_box, state, wait_validated
from live_server import PASSWORD, LiveServer
from playwright.sync_api import Browser, BrowserContext, expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "narrow_check",
    "title": "Narrow check",
    "initial": "score_every_line_item_of_the_customer_order",
    "context": {"type": "object", "properties": {"items": {"type": "array"}}},
    "states": {
        "score_every_line_item_of_the_customer_order": {
            "type": "map", "items": "items",
            "iterator": {"initial": "score_one_line_item_against_the_price_list",
                         "states": {"score_one_line_item_against_the_price_list": {"type": "task", "action": "nowhere"},
                                    "scored": {"type": "final"}},
                         "transitions": [{"source": "score_one_line_item_against_the_price_list", "trigger": "done",
                                          "dest": "scored"}]}},
        "finished": {"type": "final"},
    },
    "transitions": [{"source": "score_every_line_item_of_the_customer_order", "trigger": "done", "dest": "finished"},
                    {"source": "score_every_line_item_of_the_customer_order", "trigger": "error", "dest": "finished"}],
}


def test_the_editor_at_1024_px(server: LiveServer, browser: Browser, contexts: list[BrowserContext]) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    context = browser.new_context(viewport={"width": 1024, "height": 768}, base_url=server.url)
    contexts.append(context)
    page = context.new_page()
    page.goto("/")
    page.get_by_test_id("login-username").fill(server.users["analyst"].username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "finished")).to_be_visible()
    wait_validated(page)

    canvas = settled_box(page.get_by_test_id("canvas"))
    assert canvas["width"] >= 0.55 * 1024, f"the canvas is {canvas['width']:.0f} px wide of 1024"
    bar = settled_box(page.get_by_test_id("canvas-bar"))
    assert bar["x"] + bar["width"] <= canvas["x"] + canvas["width"], "the search and direction bar runs off the canvas"

    panel = settled_box(page.get_by_test_id("findings-panel"))
    place = page.locator(".finding-target", has_text="score_one_line_item_against_the_price_list").first
    expect(place).to_be_visible()
    found = settled_box(place)
    assert found["x"] + found["width"] <= panel["x"] + panel["width"], "a problem's place runs past the panel"
    screenshot(page, "designer-1024")
