"""A state copied and pasted (Ctrl+C, Ctrl+V) lands beside its original, in free space, and the notice says it was
pasted. The copy used to land 40 px off the original, on top of it (the bar then said "1 pair of states
overlaps"), and the notice still said "Copied 1 state(s)." after the paste."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, laid_out, open_draft, select_state, settled_box, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FLOW: dict[str, Any] = {
    "id": "paste_beside",
    "title": "Paste beside",
    "initial": "intake",
    "states": {
        "intake": {"type": "task", "action": "score_lead", "title": "Take the request in"},
        "review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}},
        "done": {"type": "final"},
    },
    "transitions": [
        {"source": "intake", "trigger": "done", "dest": "review"},
        {"source": "review", "trigger": "approve", "dest": "done"},
    ],
    "layout": {"intake": {"x": 0, "y": 0}, "review": {"x": 0, "y": 160}, "done": {"x": 0, "y": 320}},
}


def _apart(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("laid_out_by_the_canvas", [False, True])
def test_a_pasted_state_lands_beside_its_original(
    server: LiveServer, sign_in: SignIn, laid_out_by_the_canvas: bool
) -> None:
    content = {key: value for key, value in FLOW.items() if key != "layout"} if laid_out_by_the_canvas else FLOW
    page = open_draft(
        server, sign_in, {**content, "id": f"paste_beside_{int(laid_out_by_the_canvas)}"}, showing="intake"
    )
    select_state(page, "intake")
    page.keyboard.press("Control+c")
    message = page.get_by_test_id("designer-message")
    expect(message).to_contain_text("Copied 1 state")
    page.keyboard.press("Control+v")
    expect(state(page, "intake_copy")).to_be_visible()
    expect(message).to_contain_text("Pasted 1 state")
    expect(message).not_to_contain_text("Copied")
    laid_out(page)
    copy = settled_box(state(page, "intake_copy"))
    for other in ("intake", "review", "done"):
        assert _apart(copy, settled_box(state(page, other))), f"the copy lies on {other}"
    page.wait_for_timeout(600)  # the drawing is weighed after it is drawn
    expect(page.get_by_test_id("canvas-tangled")).to_have_count(0)
