"""One draft open in two tabs: tab A saves a change; tab B, which had changed something else, is refused, and
before it chooses "Save mine over theirs" the dialog lists what of A's it would undo. Once B has saved over it,
tab A is told without doing anything — this draft was saved from another window, and which of its saved changes
are not in that version — and can load it. Tab A used to go on showing its own version as saved, never told."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, screenshot, select_state, state
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "saved_over_elsewhere",
    "title": "Saved over elsewhere",
    "initial": "work",
    "states": {"work": {"type": "task", "action": "score_lead"}, "finished": {"type": "final"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "finished"}],
    "layout": {"work": {"x": 0, "y": 0}, "finished": {"x": 0, "y": 160}},
}


def _retitle(page: Page, state_id: str, title: str) -> None:
    select_state(page, state_id)
    page.get_by_test_id("field-title").fill(title)
    page.get_by_test_id("field-title").press("Enter")
    expect(state(page, state_id)).to_contain_text(title)


def test_the_tab_saved_over_is_told_what_it_lost(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=token)
    tab_a = sign_in("analyst")
    tab_a.goto(f"/drafts/{draft['id']}")
    tab_b = tab_a.context.new_page()
    tab_b.goto(f"/drafts/{draft['id']}")
    _retitle(tab_a, "work", "Check the invoice")
    _retitle(tab_b, "finished", "Paid")
    tab_a.get_by_test_id("save").click()
    expect(tab_a.get_by_test_id("designer-message")).to_contain_text("Draft saved (revision 2)")

    tab_b.get_by_test_id("save").click()
    conflict = tab_b.get_by_test_id("save-conflict")
    expect(conflict).to_contain_text("revision 2")
    expect(tab_b.get_by_test_id("conflict-dropped").locator("li")).to_have_text(["state “work”: title"])
    screenshot(tab_b, "draft-save-conflict-lists-what-goes")
    tab_b.get_by_test_id("conflict-keep-mine").click()
    expect(tab_b.get_by_test_id("designer-message")).to_contain_text("now revision 3")

    told = tab_a.get_by_test_id("saved-elsewhere")
    expect(told).to_contain_text("This draft was saved from another window")
    expect(told).to_contain_text("revision 3")
    expect(tab_a.get_by_test_id("saved-elsewhere-replaced").locator("li")).to_have_text(["state “work”: title"])
    screenshot(tab_a, "draft-saved-over-elsewhere")

    tab_a.get_by_test_id("saved-elsewhere-load").click()
    expect(state(tab_a, "finished")).to_contain_text("Paid")
    expect(state(tab_a, "work")).not_to_contain_text("Check the invoice")
    expect(tab_a.get_by_test_id("saved-elsewhere")).to_have_count(0)
    tab_a.get_by_test_id("undo").click()  # the version tab A had saved, back to save again
    expect(state(tab_a, "work")).to_contain_text("Check the invoice")


def test_a_save_that_kept_my_change_is_told_without_a_loss(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=token)
    tab_a = sign_in("analyst")
    tab_a.goto(f"/drafts/{draft['id']}")
    _retitle(tab_a, "work", "Check the invoice")
    tab_a.get_by_test_id("save").click()
    expect(tab_a.get_by_test_id("designer-message")).to_contain_text("Draft saved (revision 2)")
    # someone else goes on from revision 2, keeping tab A's change
    saved = server.api("GET", f"/api/drafts/{draft['id']}", token=token)
    content = saved["content"]
    content["states"]["finished"]["title"] = "Paid"
    server.api("PUT", f"/api/drafts/{draft['id']}", {"content": content, "expected_revision": 2}, token=token)

    told = tab_a.get_by_test_id("saved-elsewhere")
    expect(told).to_contain_text("revision 3")
    expect(told).to_contain_text("What you see here is not that version")
    expect(tab_a.get_by_test_id("saved-elsewhere-replaced")).to_have_count(0)


def test_the_tab_told_may_save_its_version_again_seeing_what_goes(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=token)
    tab_a = sign_in("analyst")
    tab_a.goto(f"/drafts/{draft['id']}")
    _retitle(tab_a, "work", "Check the invoice")
    tab_a.get_by_test_id("save").click()
    expect(tab_a.get_by_test_id("designer-message")).to_contain_text("Draft saved (revision 2)")
    # someone else saves revision 1's content with a change of their own over it
    content = {**DRAFT, "states": {**DRAFT["states"], "finished": {"type": "final", "title": "Paid"}}}
    server.api("PUT", f"/api/drafts/{draft['id']}", {"content": content, "expected_revision": 2}, token=token)

    expect(tab_a.get_by_test_id("saved-elsewhere-replaced").locator("li")).to_have_text(["state “work”: title"])
    tab_a.get_by_test_id("saved-elsewhere-save-mine").click()
    expect(tab_a.get_by_test_id("save-conflict")).to_contain_text("Not saved yet")
    expect(tab_a.get_by_test_id("conflict-dropped").locator("li")).to_have_text(
        ["state “work”: title", "state “finished”: title"])
    tab_a.get_by_test_id("conflict-keep-mine").click()
    expect(tab_a.get_by_test_id("designer-message")).to_contain_text("now revision 4")
    saved = server.api("GET", f"/api/drafts/{draft['id']}", token=token)
    assert saved["content"]["states"]["work"]["title"] == "Check the invoice"
    assert "title" not in saved["content"]["states"]["finished"]
