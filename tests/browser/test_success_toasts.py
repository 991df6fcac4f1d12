"""Words that something went well go by themselves after a few seconds (errors stay), cover nothing of the canvas and
add no height to the page (QA at 1366x768): "Draft saved (revision 6)." lay over the start state at the top of the
canvas; "Published (event 2): this instance took it and moved on." stayed above an instance's page a minute later,
the instance long in another state, and pushed the page into a second scrollbar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_steps import screenshot, settled_box, state, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SMALL_SCREEN = {"width": 1366, "height": 768}
GONE_WITHIN_MS = 9_000  # shown 6 s, faded in 0.6 s
PAGE_HEIGHT = "() => document.querySelector('.app-main').scrollHeight"

FLOW: dict[str, Any] = {
    "id": "toast_over_nothing",
    "title": "Toast over nothing",
    "initial": "intake",
    "states": {"intake": {"type": "task", "action": "score_lead"}, "finished": {"type": "final"}},
    "transitions": [{"source": "intake", "trigger": "done", "dest": "finished"}],
}

RECEIPT: dict[str, Any] = {
    "id": "toast_after_the_event",
    "title": "Toast after the event",
    "initial": "await_documents",
    "context": {"type": "object",
                "properties": {"case": {"type": "object", "properties": {"ref": {"type": "string"}}}}},
    "states": {
        "await_documents": {"type": "wait", "event": {"type": "documents_received", "correlation": "case.ref"}},
        "cool_off": {"type": "wait", "duration": "P1D"},
        "filed": {"type": "final", "outcome": "success"},
    },
    "transitions": [{"source": "await_documents", "trigger": "done", "dest": "cool_off"},
                    {"source": "cool_off", "trigger": "done", "dest": "filed"}],
}


def test_the_saved_word_covers_none_of_the_canvas_and_goes(server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    draft = server.api("POST", "/api/drafts", {"content": FLOW}, token=server.token("analyst"))
    page = sign_in_as(server, "analyst", viewport=SMALL_SCREEN)
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "intake")).to_be_visible()
    wait_validated(page)
    canvas = settled_box(page.get_by_test_id("canvas"))
    page.get_by_test_id("field-workflow-title").fill("Toast over nothing at all")
    page.keyboard.press("Control+s")
    toast = page.get_by_test_id("designer-message")
    expect(toast).to_contain_text("Draft saved (revision 2).")
    expect(toast).to_have_attribute("role", "status")
    box = settled_box(toast)
    assert box["y"] + box["height"] <= canvas["y"] + 0.5, f"the toast lies over the canvas: {box} {canvas}"
    assert settled_box(page.get_by_test_id("canvas")) == canvas  # no height taken from it
    screenshot(page, "saved-toast-1366")
    page.screenshot(path="/tmp/ui_polish/07_saved_toast_1366.png")

    # the pointer on it keeps it, to read; it goes once the pointer leaves
    toast.hover()
    page.wait_for_timeout(7_000)
    expect(toast).to_be_visible()
    state(page, "finished").hover()
    expect(toast).to_have_count(0, timeout=GONE_WITHIN_MS)

    # an error stays
    server.api("DELETE", f"/api/drafts/{draft['id']}", token=server.token("analyst"))
    page.get_by_test_id("field-workflow-title").fill("Toast over nothing, again")
    page.keyboard.press("Control+s")
    stays = page.locator('[data-testid="designer-message"][role="alert"], [data-testid="draft-gone"]')
    expect(stays.first).to_be_visible()
    page.wait_for_timeout(GONE_WITHIN_MS)
    expect(stays.first).to_be_visible()


def test_the_published_word_on_an_instance_adds_no_height_and_goes(
        server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    started = server.publish_and_start(RECEIPT, {"case": {"ref": "CASE-42"}}, token=server.token("analyst"))
    page = sign_in_as(server, "analyst", viewport=SMALL_SCREEN)
    page.goto(f"/instances/{started['id']}")
    expect(state(page, "await_documents")).to_be_visible()
    page.get_by_test_id("publish-event-open").click()
    page.get_by_test_id("publish-event-send").click()

    toast = page.get_by_test_id("instance-event-published")
    expect(toast).to_contain_text("this instance took it and moved on")
    expect(page.get_by_test_id("instance-state")).to_have_text("cool_off")
    side = settled_box(page.locator(".instance-side"))
    box = settled_box(toast)
    assert side["x"] <= box["x"], "not in the side panel"
    assert box["x"] + box["width"] <= side["x"] + side["width"] + 0.5, "not in the side panel"
    screenshot(page, "instance-published-toast-1366")
    page.screenshot(path="/tmp/ui_polish/07_instance_published_toast_1366.png")
    with_toast = (settled_box(page.locator(".instance-body")), page.evaluate(PAGE_HEIGHT))
    expect(toast).to_have_count(0, timeout=GONE_WITHIN_MS)
    without = (settled_box(page.locator(".instance-body")), page.evaluate(PAGE_HEIGHT))
    assert with_toast == without, "the toast took room on the page"
