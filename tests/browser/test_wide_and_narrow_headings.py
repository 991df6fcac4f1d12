"""A flow too tall to show whole is fitted as wide as the view allows, not at the least legible size with two
thirds of a wide screen empty (sales_squad at 1920 px sat in the left third, its names about 9 px tall); and a
workflow's title is read whole in the page's toolbar ("customer_es…" at 1280 px)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_steps import screenshot
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

READY = '[data-testid="canvas"][data-layout="ready"][data-routed="true"]'


def test_a_tall_flow_fills_a_wide_screen_legibly(server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    page = sign_in_as(server, "viewer", viewport={"width": 1920, "height": 1080})
    page.goto("/definitions/sales_squad")
    expect(page.locator(READY)).to_be_visible(timeout=30_000)
    page.wait_for_timeout(500)
    screenshot(page, "tall-flow-fit-1920")
    zoom = float(
        page.evaluate(
            "() => new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')).transform).a"
        )
    )
    assert zoom >= 0.8, f"fitted at {zoom:.2f}: state names {12.5 * zoom:.1f} px"
    # still centred across the view, the start in sight
    area, start = page.locator(".flow-area").bounding_box(), page.get_by_test_id("state-extract").bounding_box()
    assert area
    assert start
    assert area["y"] <= start["y"]
    assert start["y"] + start["height"] <= area["y"] + area["height"]


def test_a_long_title_is_read_whole_in_the_toolbar(server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    page = sign_in_as(server, "viewer", viewport={"width": 1280, "height": 800})
    page.goto("/definitions/customer_escalation")
    title = page.get_by_role("heading", level=1)
    expect(title).to_have_text("Customer escalation (workforce) customer_escalation")
    assert title.evaluate("h => h.scrollWidth <= h.clientWidth"), "the title is cut"
    screenshot(page, "long-title-toolbar-1280")


@pytest.mark.parametrize("workflow_id", ["customer_escalation", "lead_qualification"])
def test_the_published_flows_toolbar_is_one_row_at_1920(
    server: LiveServer, sign_in_as: Callable[..., Page], workflow_id: str
) -> None:
    """At 1920 px there is room for the whole toolbar of a published flow in one row; "Export as ASL SCXML XState"
    used to drop to a second row of its own."""
    page = sign_in_as(server, "analyst", viewport={"width": 1920, "height": 1080})
    page.goto(f"/definitions/{workflow_id}")
    expect(page.get_by_test_id("export-as-xstate")).to_be_visible()
    page.wait_for_timeout(2000)
    screenshot(page, f"published-toolbar-1920-{workflow_id}")
    title = page.get_by_role("heading", level=1).bounding_box()
    last = page.get_by_test_id("export-as-xstate").bounding_box()
    assert title
    assert last
    assert last["y"] < title["y"] + title["height"], "the toolbar wraps to a second row"
