"""A long-running instance's page stays readable: the Summary shows its path folded (the first and last few
states, how many lie between, a button for the whole path), and the Timeline's column headings stay in view
while its long history scrolls beneath them."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Two reviews that send the request back and forth ("withdraw", an event a caller may send) until approved.
FLOW: dict[str, Any] = {
    "id": "ping_pong_review",
    "title": "Ping-pong review",
    "initial": "review",
    "states": {
        "review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}},
        "rework": {"type": "approval", "approvers": {"roles": ["sales_manager"]}},
        "agreed": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "review", "trigger": "withdraw", "dest": "rework"},
        {"source": "rework", "trigger": "withdraw", "dest": "review"},
        {"source": ["review", "rework"], "trigger": "approve", "dest": "agreed"},
        {"source": ["review", "rework"], "trigger": "reject", "dest": "refused"},
    ],
}
ROUNDS = 150  # 300 states on the path: review, rework, review, … and the last of them


@pytest.fixture(scope="module")
def long_instance(server: LiveServer) -> str:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": FLOW}, token=token)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", {"confirm_replace": True}, token=token)
    started = server.api("POST", "/api/instances", {"workflow_id": FLOW["id"]}, token=token)
    for _ in range(2 * ROUNDS - 1):
        server.api("POST", f"/api/instances/{started['id']}/events", {"event": "withdraw"}, token=token)
    return str(started["id"])


def test_a_long_path_is_folded_and_opens_whole(server: LiveServer, sign_in: SignIn, long_instance: str) -> None:
    path = server.api("GET", f"/api/instances/{long_instance}", token=server.token("analyst"))["path"]
    assert len(path) == 2 * ROUNDS
    page = sign_in("viewer")
    page.goto(f"/instances/{long_instance}")
    shown = page.get_by_test_id("instance-path")
    expect(page.get_by_test_id("instance-path-count")).to_have_text(f"{len(path)} states")
    expect(page.get_by_test_id("instance-path-skipped")).to_have_text(f"… {len(path) - 8} more …")
    box = shown.bounding_box()
    assert box is not None
    assert box["height"] < 120, box  # a few lines, not hundreds of names
    expect(shown).to_contain_text("review → rework → review → rework →")
    screenshot(page, "instance-long-path-folded")

    page.get_by_test_id("instance-path-toggle").click()
    whole = page.get_by_test_id("instance-path-whole").locator("li")
    expect(whole).to_have_count(len(path))
    expect(whole.last).to_have_text(path[-1])
    listed = page.get_by_test_id("instance-path-whole").bounding_box()
    assert listed is not None
    assert listed["height"] < 300, listed  # scrolls in a box of its own
    screenshot(page, "instance-long-path-open")
    page.get_by_test_id("instance-path-toggle").click()
    expect(page.get_by_test_id("instance-path-whole")).to_have_count(0)


def test_the_timeline_headings_stay_in_view(server: LiveServer, sign_in: SignIn, long_instance: str) -> None:
    page = sign_in("viewer")
    page.goto(f"/instances/{long_instance}")
    expect(page.get_by_test_id(f"timeline-row-{2 * ROUNDS - 1}")).to_be_attached()
    section = page.locator(".timeline-section")
    section.evaluate("e => { e.scrollTop = e.scrollHeight; }")
    page.wait_for_timeout(100)
    heading = page.get_by_test_id("timeline").locator("thead th").first
    area = section.bounding_box()
    cell = heading.bounding_box()
    assert area is not None
    assert cell is not None
    assert area["y"] <= cell["y"] < area["y"] + area["height"], (area, cell)
    # and it is on top: what is drawn at its place is the heading, not a row scrolled beneath it
    at = [cell["x"] + 4, cell["y"] + cell["height"] / 2]
    drawn = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.textContent", at)
    assert drawn == "#"
    screenshot(page, "instance-timeline-sticky-headings")
