"""The instance monitor keeps the state an instance is in within view on a flow too tall to fit legibly: the page
opens on it (not on the start, twenty states above), and when the instance moves on out of view while the page
is open, the view follows it there."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from browser_steps import SignIn, screenshot, settled_box, state
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

STEPS = 22  # a chain far taller than the canvas at the smallest legible zoom
IDS = [f"check_{n:02d}" for n in range(STEPS)]
FLOW: dict[str, Any] = {
    "id": "long_chain_of_checks",
    "title": "Long chain of checks",
    "initial": IDS[0],
    "states": {
        **{sid: {"type": "approval", "title": f"Check {n}", "approvers": {"roles": ["sales_manager"]}}
           for n, sid in enumerate(IDS)},
        "agreed": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        *({"source": here, "trigger": "pass_on", "dest": there} for here, there in itertools.pairwise(IDS)),
        {"source": IDS, "trigger": "approve", "dest": "agreed"},
        {"source": IDS, "trigger": "reject", "dest": "refused"},
    ],
}


def in_view(page: Page, state_id: str) -> bool:
    node = settled_box(state(page, state_id))
    canvas = settled_box(page.get_by_test_id("instance-canvas"))
    return (
        canvas["x"] <= node["x"]
        and node["x"] + node["width"] <= canvas["x"] + canvas["width"]
        and canvas["y"] <= node["y"]
        and node["y"] + node["height"] <= canvas["y"] + canvas["height"]
    )


def laid_out(page: Page) -> None:
    expect(page.locator('[data-testid="instance-canvas"][data-layout="ready"]')).to_be_visible(timeout=60_000)
    page.wait_for_timeout(400)  # the fit is animated


def test_the_monitor_opens_on_the_current_state_and_follows_it(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": FLOW}, token=token)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", {"confirm_replace": True}, token=token)
    started = server.api("POST", "/api/instances", {"workflow_id": FLOW["id"]}, token=token)

    def pass_on(times: int) -> None:
        for _ in range(times):
            server.api("POST", f"/api/instances/{started['id']}/events", {"event": "pass_on"}, token=token)

    page = sign_in("analyst")
    page.goto(f"/instances/{started['id']}")
    laid_out(page)
    assert in_view(page, IDS[0])
    pass_on(STEPS - 1)  # while the page is open: it follows the instance to the last check, out of view before
    expect(page.get_by_test_id("instance-state")).to_have_text(IDS[-1], timeout=30_000)
    expect(state(page, IDS[-1])).to_have_attribute("data-mark", "current")
    page.wait_for_timeout(600)
    assert in_view(page, IDS[-1]), "the view did not follow the instance"
    screenshot(page, "instance-follows-current-state")

    page.reload()  # opened afresh: on the state it is in, not on the start
    laid_out(page)
    assert in_view(page, IDS[-1]), "the page opened elsewhere than on the current state"
    assert not in_view(page, IDS[0])  # the flow is indeed too tall to show whole
