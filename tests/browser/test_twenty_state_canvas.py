"""The designer's canvas with a 20-state flow on an ordinary 1280x800 screen, as a business analyst uses it: Fit
view shows the whole flow (and says when the names are then too small to read), turning the layout's direction
lays out again a flow whose places are saved (one step for Undo) and frames it from its start, the search goes
to the state named exactly before those whose names merely contain the text, and two long guards that differ
only at their ends stay different on their labels."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, laid_out, screenshot, settled_box, state, states_outside_view, transition_label
from live_server import LiveServer
from playwright.sync_api import Page, expect
from supplier_onboarding import EU_GUARD, US_GUARD, supplier_onboarding

pytestmark = pytest.mark.browser

# The transitions out of route_region, by index in supplier_onboarding().
EU_ROUTE, US_ROUTE = 7, 8


def open_draft(page: Page, server: LiveServer, flow: dict[str, Any]) -> None:
    draft = server.api("POST", "/api/drafts", {"content": flow}, token=server.token("analyst"))
    page.goto(f"/drafts/{draft['id']}")
    expect(page.locator('[data-testid="canvas"][data-layout="ready"][data-routed="true"]')).to_be_visible(
        timeout=60_000
    )
    page.wait_for_timeout(400)  # the first view fitted


def shown_whole(locator: Any) -> bool:
    """Whether an element's text is drawn whole, not cut off by its box."""
    return bool(locator.evaluate("e => e.scrollWidth <= e.clientWidth + 1"))


def test_fit_view_shows_the_whole_flow(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_draft(page, server, supplier_onboarding())
    note = page.get_by_test_id("canvas-small-text")
    # The first view is a readable part of the flow, around its start.
    assert states_outside_view(page) != [], "the flow fits readably: nothing to show here"
    expect(note).to_be_empty()

    page.get_by_test_id("fit-view").click()
    page.wait_for_timeout(500)
    assert states_outside_view(page) == []
    expect(note).to_have_text("Too small to read: zoom in, or find a state")
    screenshot(page, "twenty-states-fit-view")

    # Finding a state brings it up to a readable size: the note goes.
    page.get_by_test_id("canvas-search").fill("legal_review")
    page.get_by_test_id("canvas-search").press("Enter")
    expect(page.get_by_test_id("field-id")).to_have_value("legal_review")
    expect(note).to_be_empty()

    # The ⤢ under the zoom buttons fits the same way.
    page.get_by_test_id("canvas-fit").click()
    page.wait_for_timeout(500)
    assert states_outside_view(page) == []
    expect(note).not_to_be_empty()


def assert_runs(page: Page, direction: str) -> None:
    """The flow's first step leads down the page (TB) or across it (LR)."""
    first, second = settled_box(state(page, "intake")), settled_box(state(page, "check_documents"))
    if direction == "TB":
        assert first["y"] + first["height"] <= second["y"], "the second step is not below the first"
    else:
        assert first["x"] + first["width"] <= second["x"], "the second step is not right of the first"


def test_turning_the_direction_lays_out_saved_places_again(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_draft(page, server, supplier_onboarding())
    # Auto-layout saves every state's place (top to bottom).
    page.get_by_test_id("auto-layout").click()
    expect(page.get_by_test_id("unsaved")).to_be_visible()
    laid_out(page)
    assert_runs(page, "TB")

    page.get_by_test_id("direction-lr").click()
    expect(page.get_by_test_id("canvas")).to_have_attribute("data-direction", "LR")
    expect(page.locator('[data-testid="canvas"][data-routed="true"]')).to_be_visible()
    page.wait_for_timeout(500)
    assert_runs(page, "LR")
    assert "intake" not in states_outside_view(page), "the new drawing is not framed from its start"
    screenshot(page, "twenty-states-turned-left-right")

    # One step for Undo: the places and the direction go back together; Redo turns them again.
    page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("direction-tb")).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(500)
    assert_runs(page, "TB")
    page.get_by_test_id("redo").click()
    expect(page.get_by_test_id("direction-lr")).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(500)
    assert_runs(page, "LR")


def test_search_goes_to_the_exact_name_first(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_draft(page, server, supplier_onboarding())
    search = page.get_by_test_id("canvas-search")
    options = page.get_by_test_id("canvas-search-option")
    # "review" is the id of one state, the start of review_docs and a part of legal_review.
    search.fill("review")
    expect(options).to_have_count(3)
    assert [options.nth(i).get_attribute("data-state") for i in range(3)] == ["review", "review_docs", "legal_review"]
    search.press("ArrowDown")
    search.press("Enter")
    expect(page.get_by_test_id("field-id")).to_have_value("review")
    expect(page.get_by_test_id("canvas-search-count")).to_have_text("1 of 3")
    search.press("Enter")
    expect(page.get_by_test_id("field-id")).to_have_value("review_docs")


def test_long_guards_that_differ_at_their_ends_stay_different(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_draft(page, server, supplier_onboarding())
    search = page.get_by_test_id("canvas-search")
    search.fill("route_region")
    search.press("Enter")
    page.wait_for_timeout(500)

    eu, us = transition_label(page, EU_ROUTE), transition_label(page, US_ROUTE)
    eu_guard, us_guard = eu.locator(".guard"), us.locator(".guard")
    # Each label shows all it holds, and what it holds is where the two differ.
    assert shown_whole(eu_guard), "the EU guard is cut off on its label"
    assert shown_whole(us_guard), "the US guard is cut off on its label"
    assert eu_guard.inner_text() != us_guard.inner_text()
    assert '"EU"' in eu_guard.inner_text()
    assert '"US"' in us_guard.inner_text()
    # The whole guard is the label's tooltip.
    expect(eu).to_have_attribute("title", f"[{EU_GUARD}]")
    expect(us).to_have_attribute("title", f"[{US_GUARD}]")
    screenshot(page, "twenty-states-distinct-guards")

    # Selected, the transition's label shows its whole guard.
    eu.click(position={"x": 12, "y": 6})  # its left end: the minimap may lie over its right one
    expect(page.get_by_test_id("transition-inspector")).to_be_visible()
    expect(eu_guard).to_have_text(f"[{EU_GUARD}]")
    assert shown_whole(eu_guard), "the selected transition's guard is cut off"
    screenshot(page, "twenty-states-selected-guard")
