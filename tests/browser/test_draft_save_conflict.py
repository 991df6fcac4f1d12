"""One draft edited in two tabs: the second Save is refused, and the editor says who saved it meanwhile and
offers the two ways on — save this version over theirs, or take theirs (Undo brings this one back). It used
to say only "Reload the page", which threw this tab's changes away."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, screenshot, select_state, state
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DRAFT = {
    "id": "conflict_check",
    "title": "Conflict check",
    "initial": "work",
    "states": {"work": {"type": "task", "action": "do_work"}, "finished": {"type": "final"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "finished"}],
    "layout": {"work": {"x": 0, "y": 0}, "finished": {"x": 0, "y": 160}},
}


def _retitle(page: Page, title: str) -> None:
    select_state(page, "work")
    page.get_by_test_id("field-title").fill(title)
    page.get_by_test_id("field-title").press("Enter")
    expect(state(page, "work")).to_contain_text(title)


def _two_tabs_in_conflict(server: LiveServer, sign_in: SignIn) -> tuple[Page, dict[str, Any], str]:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=token)
    first = sign_in("analyst")
    first.goto(f"/drafts/{draft['id']}")
    second = first.context.new_page()
    second.goto(f"/drafts/{draft['id']}")
    _retitle(first, "Title from the first tab")
    _retitle(second, "Title from the second tab")
    first.get_by_test_id("save").click()
    expect(first.get_by_test_id("designer-message")).to_contain_text("Draft saved")

    second.get_by_test_id("save").click()
    conflict = second.get_by_test_id("save-conflict")
    expect(conflict).to_contain_text("revision 2")
    expect(conflict).to_contain_text("ana")
    return second, draft, token


def test_save_mine_over_theirs(server: LiveServer, sign_in: SignIn) -> None:
    page, draft, token = _two_tabs_in_conflict(server, sign_in)
    screenshot(page, "draft-save-conflict")
    page.get_by_test_id("conflict-keep-mine").click()
    expect(page.get_by_test_id("designer-message")).to_contain_text("now revision 3")
    expect(page.get_by_test_id("save-conflict")).to_have_count(0)
    saved = server.api("GET", f"/api/drafts/{draft['id']}", token=token)
    assert saved["content"]["states"]["work"]["title"] == "Title from the second tab"


def test_take_theirs_then_undo_brings_mine_back(server: LiveServer, sign_in: SignIn) -> None:
    page, draft, token = _two_tabs_in_conflict(server, sign_in)
    page.get_by_test_id("conflict-take-theirs").click()
    expect(state(page, "work")).to_contain_text("Title from the first tab")
    expect(page.get_by_test_id("save")).to_be_disabled()  # what is shown is what is saved

    page.get_by_test_id("undo").click()
    expect(state(page, "work")).to_contain_text("Title from the second tab")
    page.get_by_test_id("save").click()  # now against the revision taken: no second conflict
    expect(page.get_by_test_id("designer-message")).to_contain_text("Draft saved (revision 3)")
    saved = server.api("GET", f"/api/drafts/{draft['id']}", token=token)
    assert saved["content"]["states"]["work"]["title"] == "Title from the second tab"
