"""The editor in a 1024 px window (a laptop, or a wider screen zoomed to 125 to 150 %): the canvas keeps most of
the width, and a problem's place inside a map's iterator stays inside the Problems panel. At this width the
palette and inspector left the canvas 464 px of 1024, and a long place ran out past the panel's edge.

An operator on a phone (400 px): the menu and Sign out wrap inside the window instead of running off it (the
whole page scrolled sideways to reach them), and an instance's diagram takes the width, its side panel under it
(the side panel kept its 340 px and left the diagram a sliver behind the search bar)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_steps import screenshot, settled_box, state, wait_validated
from live_server import PASSWORD, LiveServer
from playwright.sync_api import Browser, BrowserContext, Page, expect

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


FINISHED: dict[str, Any] = {
    "id": "narrow_monitor",
    "title": "Narrow monitor",
    "initial": "done",
    "states": {"done": {"type": "final", "outcome": "success"}},
    "transitions": [],
}


def _fits_the_width(page: Page) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the {width} px window"
    sign_out = settled_box(page.get_by_test_id("logout"))
    assert sign_out["x"] + sign_out["width"] <= width, "Sign out lies outside the window"


def test_an_operator_on_a_phone(server: LiveServer, browser_page_at: Callable[[str, int], Page]) -> None:
    started = server.publish_and_start(FINISHED, {}, token=server.token("analyst"))
    page = browser_page_at("analyst", 400)
    page.get_by_test_id("nav-instances").click()
    expect(page.get_by_test_id("instances-table")).to_be_visible()
    _fits_the_width(page)

    page.goto(f"/instances/{started['id']}")
    expect(state(page, "done")).to_be_visible()
    _fits_the_width(page)
    canvas = settled_box(page.get_by_test_id("instance-canvas"))
    assert canvas["width"] >= 0.9 * 400, f"the diagram is {canvas['width']:.0f} px wide of 400"
    screenshot(page, "instance-on-a-phone")
