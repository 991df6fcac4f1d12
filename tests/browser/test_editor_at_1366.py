"""The editor at 1366x768 with a real-size flow (QA): the Problems panel is made taller to read a long finding whole
(dragged, or with the arrow keys on the bar over it), and a row the keyboard reaches is scrolled into view under its
heading; a long title is cut with "…" (whole in its tooltip) instead of wrapping the toolbar onto a second row; and
the way back up from a map's per-item canvas shows the map state, selected, in view — it was left out of sight
with the zoom buttons over a node."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from browser_steps import laid_out, screenshot, settled_box, state, states_outside_view, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SMALL_SCREEN = {"width": 1366, "height": 768}
LONG_TITLE = "Order fulfilment: validate, reserve stock, charge the card, ship the parcel and notify the customer"
STEPS = [f"step_{n:02d}" for n in range(1, 15)]


def _tall_flow(workflow_id: str) -> dict[str, Any]:
    """Fourteen tasks of actions no handler has (a Problems panel full of long findings), then a map state."""
    states: dict[str, Any] = {s: {"type": "task", "action": f"unregistered_{s}"} for s in STEPS}
    states["notify_customers"] = {
        "type": "map", "items": "customers", "title": "Notify each affected customer",
        "iterator": {"initial": "notify", "states": {"notify": {"type": "task", "action": "score_lead"},
                                                     "sent": {"type": "final"}},
                     "transitions": [{"source": "notify", "trigger": "done", "dest": "sent"}]},
    }
    states["finished"] = {"type": "final"}
    chain = [*STEPS, "notify_customers", "finished"]
    return {
        "id": workflow_id,
        "title": LONG_TITLE,
        "initial": STEPS[0],
        "context": {"type": "object", "properties": {"customers": {"type": "array"}}},
        "states": states,
        "transitions": [{"source": a, "trigger": "done", "dest": b} for a, b in pairwise(chain)],
    }


def _open(server: LiveServer, sign_in_as: Callable[..., Page], workflow_id: str) -> Page:
    draft = server.api("POST", "/api/drafts", {"content": _tall_flow(workflow_id)}, token=server.token("analyst"))
    page = sign_in_as(server, "analyst", viewport=SMALL_SCREEN)
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, STEPS[0])).to_be_visible()
    wait_validated(page)
    laid_out(page)
    return page


def test_the_problems_panel_grows_and_keeps_the_focused_row_in_view(
        server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    page = _open(server, sign_in_as, "problems_at_1366")
    panel = page.get_by_test_id("findings-panel")
    canvas = page.get_by_test_id("canvas")
    before = settled_box(panel)["height"]

    # dragged up by 180 px: taller by as much, the canvas shorter
    bar = settled_box(page.get_by_test_id("findings-resizer"))
    x, y = bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 180, steps=8)
    page.mouse.up()
    taller = settled_box(panel)["height"]
    assert abs(taller - (before + 180)) <= 2, (before, taller)
    assert settled_box(canvas)["height"] > 200
    screenshot(page, "problems-panel-taller-1366")
    page.screenshot(path="/tmp/ui_polish/05a_problems_panel_taller_1366.png")

    # with the keyboard: ↓ makes it shorter, End as tall as it goes (no more than 70 % of the column)
    resizer = page.get_by_test_id("findings-resizer")
    resizer.focus()
    page.keyboard.press("ArrowDown")
    assert settled_box(panel)["height"] == pytest.approx(taller - 40, abs=2)
    page.keyboard.press("End")
    most = settled_box(panel)["height"]
    column = settled_box(page.locator(".designer-center"))["height"]
    assert most <= 0.7 * column + 1
    assert most > taller
    page.keyboard.press("Home")
    assert settled_box(panel)["height"] == pytest.approx(80, abs=2)
    page.reload()  # the height is kept in this browser
    wait_validated(page)
    assert settled_box(page.get_by_test_id("findings-panel"))["height"] == pytest.approx(80, abs=2)

    # Tab through the rows of a short panel: each row reached is wholly in view, under the panel's heading
    resizer = page.get_by_test_id("findings-resizer")
    resizer.focus()
    page.keyboard.press("ArrowUp")  # 120 px: a row or so at a time
    rows = page.locator('[data-testid="findings-panel"] .finding')
    assert rows.count() >= 10
    heading = page.locator('[data-testid="findings-panel"] h2')
    for i in range(rows.count()):
        page.keyboard.press("Tab")
        row = rows.nth(i)
        expect(row).to_be_focused()
        shown, box, top = settled_box(page.get_by_test_id("findings-panel")), settled_box(row), settled_box(heading)
        below_heading = top["y"] + top["height"]
        assert box["y"] >= below_heading - 1, f"row {i} is under the heading"
        if box["height"] <= shown["y"] + shown["height"] - below_heading:
            assert box["y"] + box["height"] <= shown["y"] + shown["height"] + 1, f"row {i} is (partly) below the panel"
        else:  # taller than the panel shows: from its first line
            assert box["y"] <= below_heading + 4, f"row {i} is not shown from its top"
    page.screenshot(path="/tmp/ui_polish/05a_problems_focused_row_1366.png")


def test_a_long_title_keeps_the_toolbar_to_one_row(server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    page = _open(server, sign_in_as, "long_title_at_1366")
    toolbar = settled_box(page.locator(".designer-toolbar"))
    save = settled_box(page.get_by_test_id("save"))
    mermaid = settled_box(page.get_by_role("button", name="Mermaid"))
    assert toolbar["height"] < 50, toolbar
    assert abs(mermaid["y"] - save["y"]) < 2, "the toolbar wraps onto a second row"
    title = page.get_by_test_id("workflow-title").locator(".designer-title-text")
    assert title.evaluate("t => t.scrollWidth > t.clientWidth"), "the title is cut"
    expect(title).to_have_attribute("title", f"{LONG_TITLE} (long_title_at_1366)")
    screenshot(page, "long-title-toolbar-1366")
    page.screenshot(path="/tmp/ui_polish/05b_long_title_toolbar_1366.png")


def test_back_from_a_maps_items_shows_the_map_state(server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    page = _open(server, sign_in_as, "back_from_the_items")
    assert "notify_customers" in states_outside_view(page)  # far below the start
    search = page.get_by_test_id("canvas-search")
    search.fill("notify_customers")
    search.press("Enter")
    page.get_by_test_id("open-iterator").click()
    expect(state(page, "notify")).to_be_visible()
    laid_out(page)
    page.get_by_test_id("scope-state-notify_customers").click()
    expect(page.get_by_test_id("field-id")).to_have_value("notify_customers")
    expect(state(page, "notify_customers")).to_be_visible()
    laid_out(page)
    page.wait_for_timeout(800)  # the first view and the layout's fit have come and gone
    settled_box(state(page, "notify_customers"))
    assert "notify_customers" not in states_outside_view(page)
    box, area = settled_box(state(page, "notify_customers")), settled_box(page.locator(".flow-area"))
    centre = box["y"] + box["height"] / 2
    assert area["y"] + area["height"] * 0.2 <= centre <= area["y"] + area["height"] * 0.8, (box, area)
    screenshot(page, "back-from-the-items-1366")
    page.screenshot(path="/tmp/ui_polish/05c_back_from_map_items_1366.png")
