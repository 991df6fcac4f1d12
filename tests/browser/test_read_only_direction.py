"""Turning the canvas' direction where the flow cannot be edited — a published version, an instance's flow in the
monitor — lays the flow out again in that direction, for viewing: nothing is saved, no draft is made. It used to
turn only the states' handles, the states staying at their saved places, so the transitions snaked."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from browser_steps import SignIn, laid_out, screenshot, settled_box, state
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# Three waits and an end, placed top to bottom.
STEPS = ["receive", "check", "approve", "done"]


def flow(workflow_id: str) -> dict[str, Any]:
    waits = {s: {"type": "wait", "title": s.title(), "duration": "P1D"} for s in STEPS[:-1]}
    return {
        "id": workflow_id,
        "title": "Saved top to bottom",
        "initial": STEPS[0],
        "states": {**waits, "done": {"type": "final", "outcome": "success"}},
        "transitions": [{"source": a, "trigger": "done", "dest": b} for a, b in itertools.pairwise(STEPS)],
        "layout": {s: {"x": 0, "y": 180 * i} for i, s in enumerate(STEPS)},
    }


def runs(page: Page, direction: str) -> bool:
    """Whether each step is drawn below (TB) or right of (LR) the one before."""
    boxes = [settled_box(state(page, s)) for s in STEPS]
    if direction == "TB":
        return all(a["y"] + a["height"] <= b["y"] for a, b in itertools.pairwise(boxes))
    return all(a["x"] + a["width"] <= b["x"] for a, b in itertools.pairwise(boxes))


@pytest.mark.parametrize("where", ["version", "instance"])
def test_turning_a_read_only_flow_lays_it_out_for_viewing(server: LiveServer, sign_in: SignIn, where: str) -> None:
    token = server.token("analyst")
    workflow_id = f"saved_top_down_{where}"
    started = server.publish_and_start(flow(workflow_id), {}, token=token)
    version = server.api("GET", f"/api/definitions/{workflow_id}/versions/1", token=token)
    drafts = server.api("GET", f"/api/drafts?workflow={workflow_id}", token=token)

    page = sign_in("analyst")
    canvas_id = "canvas" if where == "version" else "instance-canvas"
    page.goto(f"/definitions/{workflow_id}" if where == "version" else f"/instances/{started['id']}")
    canvas = page.get_by_test_id(canvas_id)
    expect(canvas).to_have_attribute("data-layout", "ready")
    assert runs(page, "TB")

    page.get_by_test_id("direction-lr").click()
    expect(canvas).to_have_attribute("data-direction", "LR")
    laid_out(page)
    expect(canvas).to_have_attribute("data-routed", "true")
    page.wait_for_timeout(400)  # framed again
    assert runs(page, "LR"), "the states stayed at their saved places, top to bottom"
    screenshot(page, f"read-only-{where}-turned-left-right")

    page.get_by_test_id("direction-tb").click()
    expect(canvas).to_have_attribute("data-direction", "TB")
    laid_out(page)
    page.wait_for_timeout(400)
    assert runs(page, "TB")

    # Only the view changed: the version is as published, and no draft was made or changed.
    assert server.api("GET", f"/api/definitions/{workflow_id}/versions/1", token=token) == version
    assert server.api("GET", f"/api/drafts?workflow={workflow_id}", token=token) == drafts
    expect(page.get_by_test_id("undo")).to_have_count(0)
