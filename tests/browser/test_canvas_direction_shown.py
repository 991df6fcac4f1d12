"""The direction toggle shows the direction the flow is drawn in. After one flow was turned left to right (a
preference this browser remembers), another draft whose states have saved places top to bottom opened drawn top
to bottom under a highlighted "→ Left-right", its states' handles on their left and right sides. Such a draft is
now drawn, and shown, as it was saved; Auto-layout keeps that direction, and the toggle still turns it."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from browser_steps import SignIn, laid_out, screenshot, settled_box, state
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

STEPS = ["receive", "check", "approve", "done"]


def flow(workflow_id: str, *, saved: bool) -> dict[str, Any]:
    """Three waits and an end; with `saved`, placed top to bottom."""
    waits = {s: {"type": "wait", "title": s.title(), "duration": "P1D"} for s in STEPS[:-1]}
    content: dict[str, Any] = {
        "id": workflow_id,
        "title": "Saved top to bottom" if saved else "Not placed",
        "initial": STEPS[0],
        "states": {**waits, "done": {"type": "final", "outcome": "success"}},
        "transitions": [{"source": a, "trigger": "done", "dest": b} for a, b in itertools.pairwise(STEPS)],
    }
    if saved:
        content["layout"] = {s: {"x": 0, "y": 180 * i} for i, s in enumerate(STEPS)}
    return content


def runs(page: Page, direction: str) -> bool:
    """Whether each step is drawn below (TB) or right of (LR) the one before."""
    boxes = [settled_box(state(page, s)) for s in STEPS]
    if direction == "TB":
        return all(a["y"] + a["height"] <= b["y"] for a, b in itertools.pairwise(boxes))
    return all(a["x"] + a["width"] <= b["x"] for a, b in itertools.pairwise(boxes))


def shown(page: Page, direction: str) -> None:
    """The toggle, the canvas and the states' handles all say `direction`."""
    wanted, other = ("direction-tb", "direction-lr") if direction == "TB" else ("direction-lr", "direction-tb")
    expect(page.get_by_test_id(wanted)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id(other)).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("canvas")).to_have_attribute("data-direction", direction)
    exit_side = "bottom" if direction == "TB" else "right"
    expect(state(page, "check").locator(f".react-flow__handle-{exit_side}")).to_have_count(1)


def test_a_draft_saved_top_down_shows_top_down_after_another_was_turned(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    page = sign_in("analyst")
    # One flow turned left to right: the preference of this browser from now on.
    other = server.api("POST", "/api/drafts", {"content": flow("turned_first", saved=False)}, token=token)
    page.goto(f"/drafts/{other['id']}")
    laid_out(page)
    page.get_by_test_id("direction-lr").click()
    expect(page.get_by_test_id("canvas")).to_have_attribute("data-direction", "LR")

    # A draft saved top to bottom: drawn and shown so.
    draft = server.api("POST", "/api/drafts", {"content": flow("saved_top_down", saved=True)}, token=token)
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)
    expect(page.get_by_test_id("canvas")).to_have_attribute("data-routed", "true")
    shown(page, "TB")
    assert runs(page, "TB")
    screenshot(page, "canvas-direction-shown-as-saved")

    # Auto-layout lays it out the way it is drawn.
    page.get_by_test_id("auto-layout").click()
    expect(page.get_by_test_id("unsaved")).to_be_visible()
    laid_out(page)
    page.wait_for_timeout(400)
    shown(page, "TB")
    assert runs(page, "TB")

    # The toggle still turns it (the preference is left to right already).
    page.get_by_test_id("direction-lr").click()
    expect(page.get_by_test_id("canvas")).to_have_attribute("data-direction", "LR")
    laid_out(page)
    page.wait_for_timeout(400)
    shown(page, "LR")
    assert runs(page, "LR")
    page.get_by_test_id("undo").click()
    page.wait_for_timeout(400)
    shown(page, "TB")
    assert runs(page, "TB")


def test_a_version_saved_top_down_shows_top_down_and_turns(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    server.publish_and_start(flow("published_top_down", saved=True), {}, token=token)
    page = sign_in("analyst")
    page.evaluate("localStorage.setItem('statewright.layoutDirection', 'LR')")
    page.goto("/definitions/published_top_down")
    canvas = page.get_by_test_id("canvas")
    expect(canvas).to_have_attribute("data-layout", "ready")
    shown(page, "TB")
    assert runs(page, "TB")

    page.get_by_test_id("direction-lr").click()
    expect(canvas).to_have_attribute("data-direction", "LR")
    laid_out(page)
    page.wait_for_timeout(400)
    shown(page, "LR")
    assert runs(page, "LR")
