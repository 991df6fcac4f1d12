"""An instance that ended far from where it went wrong: a tall flow whose first state failed into a failure state
drawn at the bottom (the shipped sales_squad failed at `extract`, its first task) opened on the failure state
alone, twenty rows below, with the way it came out of view. The monitor now opens on the state it ended from,
with the state it ended in beside it when both fit legibly — and at a zoom where the names are read (≥ 9 px)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from browser_steps import SignIn, screenshot, settled_box, state
from canvas_geometry import label_heights
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

MIN_LABEL_PX = 9.0  # as the designer's own first view (test_big_flow_canvas.py)
STEPS = 20
IDS = [f"step_{n:02d}" for n in range(STEPS)]
FLOW: dict[str, Any] = {
    "id": "tall_flow_failing_early",
    "title": "Tall flow failing early",
    "initial": IDS[0],
    "states": {
        **{sid: {"type": "approval", "title": f"Step {n}", "approvers": {"roles": ["sales_manager"]}}
           for n, sid in enumerate(IDS)},
        "done": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        *({"source": here, "trigger": "pass_on", "dest": there} for here, there in itertools.pairwise(IDS)),
        {"source": IDS, "trigger": "approve", "dest": "done"},
        {"source": IDS, "trigger": "reject", "dest": "failed"},
        {"source": IDS, "trigger": "give_up", "dest": "failed"},  # one failure state for all: drawn at the end
    ],
}


def in_view(page: Page, state_id: str) -> bool:
    node = settled_box(state(page, state_id))
    canvas = settled_box(page.locator('[data-testid="instance-canvas"] .flow-area'))
    return (canvas["x"] <= node["x"] and node["x"] + node["width"] <= canvas["x"] + canvas["width"]
            and canvas["y"] <= node["y"] and node["y"] + node["height"] <= canvas["y"] + canvas["height"])


def open_instance(page: Page, instance_id: str) -> None:
    page.goto(f"/instances/{instance_id}")
    expect(page.locator('[data-testid="instance-canvas"][data-layout="ready"]')).to_be_visible(timeout=60_000)
    page.wait_for_timeout(600)  # the fit is animated


def test_an_instance_that_failed_early_opens_where_it_failed(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": FLOW}, token=token)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", {"confirm_replace": True}, token=token)

    def ended_after(steps: int) -> str:
        started = server.api("POST", "/api/instances", {"workflow_id": FLOW["id"]}, token=token)
        for event in ["pass_on"] * steps + ["give_up"]:
            server.api("POST", f"/api/instances/{started['id']}/events", {"event": event}, token=token)
        return str(started["id"])

    page = sign_in("analyst")
    early = ended_after(0)  # step_00 → failed
    open_instance(page, early)
    expect(page.get_by_test_id("instance-state")).to_have_text("failed")
    screenshot(page, "instance-opens-where-it-failed")
    assert in_view(page, IDS[0]), "the state it failed in is out of view"
    assert not in_view(page, IDS[-1]), "the flow is not too tall to show whole, as it must be for this test"
    heights = label_heights(page)
    assert heights
    assert min(heights) >= MIN_LABEL_PX, f"state names {min(heights):.1f} px tall at the first view"

    late = ended_after(STEPS - 1)  # …, step_18 → step_19 → failed: the end drawn near the state it ended from
    open_instance(page, late)
    screenshot(page, "instance-opens-on-its-latest-steps")
    for state_id in (IDS[-1], "failed"):
        assert in_view(page, state_id), f"{state_id} is out of view"
    heights = label_heights(page)
    assert min(heights) >= MIN_LABEL_PX, f"state names {min(heights):.1f} px tall at the first view"
