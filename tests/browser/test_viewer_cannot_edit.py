"""A viewer reads everything and changes nothing: no editing controls are enabled, and keys do nothing."""

from __future__ import annotations

import pytest
from browser_steps import SignIn, screenshot, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAFT = {
    "id": "viewer_check",
    "title": "Viewer check",
    "initial": "work",
    "states": {"work": {"type": "task", "action": "do_work"}, "finished": {"type": "final"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "finished"}],
    "layout": {"work": {"x": 0, "y": 0}, "finished": {"x": 0, "y": 160}},
}


def test_viewer_cannot_edit(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("viewer")

    page.get_by_test_id("nav-definitions").click()
    expect(page.get_by_test_id("definitions-page")).to_be_visible()
    expect(page.get_by_test_id("new-workflow")).to_have_count(0)

    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "work")).to_be_visible()
    # said in words, not only by a greyed-out palette
    expect(page.get_by_test_id("read-only-note")).to_have_text("Read-only: your role (viewer) cannot edit drafts")
    for kind in ("task", "choice", "approval", "final"):
        expect(page.get_by_test_id(f"palette-{kind}")).to_be_disabled()
    for control in ("save", "publish", "undo", "delete", "auto-layout"):
        expect(page.get_by_test_id(control)).to_have_count(0)

    state(page, "work").click()
    expect(page.get_by_test_id("state-inspector")).to_be_visible()
    expect(page.get_by_test_id("field-title")).to_be_disabled()
    expect(page.get_by_test_id("field-action")).to_be_disabled()
    expect(page.get_by_test_id("add-transition")).to_have_count(0)
    page.keyboard.press("Delete")
    expect(state(page, "work")).to_be_visible()
    expect(page.get_by_test_id("designer")).to_have_attribute("data-dirty", "false")

    page.get_by_test_id("view-json").click()
    expect(page.get_by_test_id("json-content")).to_have_attribute("contenteditable", "false")
    screenshot(page, "viewer-read-only-designer")

    page.goto("/definitions/lead_qualification")
    expect(page.get_by_test_id("definition-page")).to_be_visible()
    expect(page.get_by_test_id("edit-definition")).to_have_count(0)
    expect(page.get_by_test_id("start-instance")).to_have_count(0)
    expect(page.get_by_test_id("export-svg")).to_be_enabled()
