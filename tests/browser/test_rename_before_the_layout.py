"""A state renamed before the first layout of a flow without saved places has come (the quick stand-in still
shown: a slow machine, a big flow) keeps its place when the layout arrives. The layout, asked for the flow as it was,
used to replace the drawing without the renamed state: it was left with no place and the canvas never settled."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from browser_steps import SignIn, laid_out, state
from live_server import LiveServer
from playwright.sync_api import Route, expect

pytestmark = pytest.mark.browser


def _flow(workflow_id: str) -> dict[str, Any]:
    return {
        "id": workflow_id, "title": "Refund", "initial": "check",
        "states": {"check": {"type": "task", "action": "do_work"},
                   "refund": {"type": "task", "action": "do_work"},
                   "done": {"type": "final", "outcome": "success"}},
        "transitions": [{"source": "check", "trigger": "done", "dest": "refund"},
                        {"source": "refund", "trigger": "done", "dest": "done"}],
    }


def test_a_state_renamed_before_the_layout_keeps_its_place(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": _flow(f"refund_{uuid.uuid4().hex[:8]}")}, token=token)
    page = sign_in("analyst")
    held: list[Route] = []

    def hold(route: Route) -> None:  # the layout cannot start until the worker's script is let through
        held.append(route)

    page.route("**/elk-worker*", hold)

    page.goto(f"/drafts/{draft['id']}")
    canvas = page.locator(".flow-canvas")
    expect(canvas).to_have_attribute("data-layout", "interim")  # the quick stand-in is drawn
    state(page, "refund").click()
    page.get_by_test_id("field-id").fill("issue_refund")
    page.get_by_test_id("field-id").press("Enter")
    expect(state(page, "issue_refund")).to_be_visible()
    expect(canvas).to_have_attribute("data-layout", "interim")  # still waiting for the layout

    assert held, "the layout worker was not asked for"
    for route in held:
        route.continue_()
    laid_out(page)
    expect(canvas).to_have_attribute("data-layout", "ready")
    expect(state(page, "issue_refund")).to_be_visible()
    for other in ("check", "done"):
        expect(state(page, other)).to_be_visible()
