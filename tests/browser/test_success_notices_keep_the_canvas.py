"""A word that something went well — "Draft saved (revision 2).", "Pasted 1 state." — is laid over the top of the
diagram and goes by itself: the canvas keeps its height. It used to stay above the diagram until dismissed, pushing
the canvas down (at 1280x800 the canvas was then some 470 px tall)."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, open_draft, screenshot, select_state, settled_box, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FLOW: dict[str, Any] = {
    "id": "saved_word_over_the_canvas",
    "title": "Saved word over the canvas",
    "initial": "work",
    "states": {"work": {"type": "task", "action": "score_lead"}, "finished": {"type": "final"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "finished"}],
    "layout": {"work": {"x": 0, "y": 0}, "finished": {"x": 0, "y": 160}},
}


def test_the_saved_word_takes_no_height_from_the_canvas(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, FLOW, showing="work")
    canvas = page.get_by_test_id("canvas")
    before = settled_box(canvas)

    select_state(page, "work")
    page.get_by_test_id("field-title").fill("Score the lead")
    page.get_by_test_id("field-title").press("Enter")
    page.get_by_test_id("save").click()
    message = page.get_by_test_id("designer-message")
    expect(message).to_contain_text("Draft saved (revision 2).")
    screenshot(page, "saved-word-over-the-canvas")
    assert settled_box(canvas)["height"] == before["height"]
    assert before["height"] > 480

    # the drawing under it still takes clicks
    state(page, "finished").click()
    expect(page.get_by_test_id("field-id")).to_have_value("finished")

    expect(message).to_have_count(0, timeout=12_000)  # gone by itself
    assert settled_box(canvas)["height"] == before["height"]
