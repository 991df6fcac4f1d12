"""A shipped flow of 21 states is readable on a 1440x900 screen: at its first view the state names are at least 9 px
tall, no transition runs through a state, handles sit on the layout's axis (top/bottom, or left/right after the
toggle), and the minimap covers no state; Fit view then shows the whole flow, saying when the names are too small
to read. The mouse wheel zooms, and a state can be found by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from browser_steps import SignIn, settled_box, state, states_outside_view
from canvas_geometry import edges_through_states, label_heights, states_under
from docs_screens import save_doc_screenshot
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BIG_SCREEN = {"width": 1440, "height": 900}
MIN_LABEL_PX = 9.0


def escalation() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "definitions/workflows/customer_escalation.json").read_text())
    return loaded


def open_big(page: Page, server: LiveServer) -> None:
    page.set_viewport_size(BIG_SCREEN)
    draft = server.api("POST", "/api/drafts", {"content": escalation()}, token=server.token("analyst"))
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "classify_request")).to_be_visible()
    states = len(escalation()["states"])
    assert states >= 20  # the size the designer is held to
    expect(page.locator(".react-flow__node")).to_have_count(states + 1)  # its states and the "any state" source
    wait_laid_out(page)


def wait_laid_out(page: Page) -> None:
    """Until ELK's layout and routes are drawn (its worker takes a moment to start) and the view has fitted."""
    expect(page.locator('[data-testid="canvas"][data-layout="ready"][data-routed="true"]')).to_be_visible(
        timeout=60_000
    )
    page.wait_for_timeout(400)


def zoom(page: Page) -> float:
    script = "() => new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')).transform).a"
    return float(page.evaluate(script))


def handle_side(page: Page, state_id: str) -> str:
    """Which side of its state the exit handle sits on."""
    node = settled_box(state(page, state_id))
    handle = settled_box(page.get_by_test_id(f"handle-{state_id}"))
    cx, cy = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    if cy >= node["y"] + node["height"] - 2:
        return "bottom"
    if cx >= node["x"] + node["width"] - 2:
        return "right"
    return "elsewhere"


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_twenty_state_flow_is_readable_at_first_and_whole_at_fit(server: LiveServer, sign_in: SignIn,
                                                                 direction: str) -> None:
    page = sign_in("analyst")
    open_big(page, server)
    if direction == "LR":
        page.get_by_test_id("direction-lr").click()
        expect(page.get_by_test_id("canvas")).to_have_attribute("data-direction", "LR")
        # The direction is remembered: the flow opens left to right, in its first (readable) view.
        page.reload()
        wait_laid_out(page)
        expect(page.get_by_test_id("canvas")).to_have_attribute("data-direction", "LR")

    save_doc_screenshot(page, f"designer-big-flow-{direction.lower()}")
    heights = label_heights(page)
    assert len(heights) == len(escalation()["states"])
    assert min(heights) >= MIN_LABEL_PX, f"state names {min(heights):.1f} px tall at the first view"
    expect(page.get_by_test_id("canvas-small-text")).to_be_empty()
    assert edges_through_states(page) == [], "transitions drawn through states"
    assert handle_side(page, "classify_request") == ("bottom" if direction == "TB" else "right")
    assert states_under(page, ".react-flow__minimap") == [], "the minimap hides states"
    assert states_under(page, '[data-testid="canvas-bar"]') == [], "the search bar hides states"

    # Fit view shows every state, clear of the minimap, and says the names are now too small to read.
    page.get_by_test_id("fit-view").click()
    page.wait_for_timeout(500)
    assert states_outside_view(page) == []
    assert states_under(page, ".react-flow__minimap") == [], "the minimap hides states at fit"
    expect(page.get_by_test_id("canvas-small-text")).to_contain_text("Too small to read")


def test_wheel_zooms_search_jumps_and_minimap_folds(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_big(page, server)
    page.get_by_test_id("direction-tb").click()

    # The wheel zooms (towards the pointer) instead of panning.
    before = zoom(page)
    pane = settled_box(page.get_by_test_id("canvas"))
    page.mouse.move(pane["x"] + pane["width"] / 2, pane["y"] + pane["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_timeout(300)
    assert zoom(page) > before * 1.2

    # Find a state far from the start by its title: it is selected and brought into view, readable.
    search = page.get_by_test_id("canvas-search")
    search.fill("Rejected with")
    search.press("Enter")
    expect(page.get_by_test_id("state-inspector")).to_contain_text("rejected")
    box = settled_box(state(page, "rejected"))
    assert pane["x"] <= box["x"]
    assert box["x"] + box["width"] <= pane["x"] + pane["width"]
    assert pane["y"] <= box["y"]
    assert box["y"] + box["height"] <= pane["y"] + pane["height"]
    assert zoom(page) >= 0.9
    search.fill("no such thing here")
    search.press("Enter")
    expect(page.get_by_test_id("canvas-search-missing")).to_be_visible()

    # The minimap folds away and comes back; the choice is remembered on the next page.
    expect(page.locator(".react-flow__minimap")).to_be_visible()
    page.get_by_test_id("toggle-minimap").click()
    expect(page.locator(".react-flow__minimap")).to_have_count(0)
    page.reload()
    # Settled first: a click while the page is still drawing itself is not what is under test here.
    wait_laid_out(page)
    toggle = page.get_by_test_id("toggle-minimap")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".react-flow__minimap")).to_have_count(0)
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".react-flow__minimap")).to_be_visible()
