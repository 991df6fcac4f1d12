"""The minimap leaves the canvas to the flow. In a 1024 x 700 window the canvas is some 570 px wide and the 150 px
minimap took a quarter of its width, over the states in its corner; on a canvas that narrow (or low) it is drawn
smaller, and on a smaller one still not at all, while an ordinary window keeps the full size."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_steps import SignIn, laid_out, screenshot, settled_box
from live_server import LiveServer
from playwright.sync_api import Page, expect
from supplier_onboarding import supplier_onboarding

pytestmark = pytest.mark.browser

MINIMAP = ".react-flow__minimap"


def open_flow(page: Page, server: LiveServer, workflow_id: str) -> None:
    draft = server.api("POST", "/api/drafts", {"content": {**supplier_onboarding(), "id": workflow_id}},
                       token=server.token("analyst"))
    page.goto(f"/drafts/{draft['id']}")
    expect(page.locator('[data-testid="canvas"][data-layout="ready"]')).to_be_visible(timeout=60_000)
    laid_out(page)
    page.wait_for_timeout(400)


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1024, 768)])
def test_the_minimap_of_a_narrow_canvas_is_small(server: LiveServer, sign_in_as: Callable[..., Page], width: int,
                                                 height: int) -> None:
    page = sign_in_as(server, "analyst", viewport={"width": width, "height": height})
    open_flow(page, server, f"narrow_minimap_{width}_{height}")
    area = settled_box(page.locator(".flow-area"))
    minimap = settled_box(page.locator(MINIMAP))
    share = minimap["width"] / area["width"]
    assert share <= 0.18, f"the minimap takes {share:.0%} of the canvas' width"
    assert minimap["width"] * minimap["height"] <= 0.04 * area["width"] * area["height"]
    screenshot(page, f"canvas-minimap-{width}x{height}")
    # Folded away and back, it keeps the small size.
    page.get_by_test_id("toggle-minimap").click()
    expect(page.locator(MINIMAP)).to_have_count(0)
    page.get_by_test_id("toggle-minimap").click()
    assert settled_box(page.locator(MINIMAP))["width"] == minimap["width"]


def test_an_ordinary_window_keeps_the_full_minimap(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_flow(page, server, "ordinary_minimap")
    minimap = settled_box(page.locator(MINIMAP))
    assert (round(minimap["width"]), round(minimap["height"])) == (150, 100)


def test_a_tiny_canvas_has_no_minimap(server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    page = sign_in_as(server, "analyst", viewport={"width": 760, "height": 560})
    open_flow(page, server, "tiny_minimap")
    area = settled_box(page.locator(".flow-area"))
    assert area["width"] < 400 or area["height"] < 240, f"the canvas is {area['width']} x {area['height']}"
    expect(page.locator(MINIMAP)).to_have_count(0)
    expect(page.get_by_test_id("toggle-minimap")).to_have_count(0)
