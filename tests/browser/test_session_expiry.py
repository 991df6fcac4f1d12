"""A session that ends while an analyst edits: the editor stays, with the unsaved change, under a dialog that
signs the same person in again; the change is then saved. (It used to swap the page for the login page, and
the change was gone.)"""

from __future__ import annotations

import pytest
from browser_steps import SignIn, screenshot, select_state, state
from live_server import PASSWORD, LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAFT = {
    "id": "session_check",
    "title": "Session check",
    "initial": "work",
    "states": {"work": {"type": "task", "action": "do_work"}, "finished": {"type": "final"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "finished"}],
    "layout": {"work": {"x": 0, "y": 0}, "finished": {"x": 0, "y": 160}},
}


def test_an_expired_session_keeps_the_unsaved_edit(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=token)
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    select_state(page, "work")
    page.get_by_test_id("field-title").fill("Check the order")
    page.get_by_test_id("field-title").press("Enter")
    expect(state(page, "work")).to_contain_text("Check the order")

    page.context.clear_cookies()  # the session cookie's lifetime is over
    page.get_by_test_id("save").click()

    dialog = page.get_by_test_id("session-expired")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Your session has ended")
    expect(state(page, "work")).to_contain_text("Check the order")  # the editor is still there, edit and all
    screenshot(page, "session-expired")

    page.get_by_test_id("session-expired-password").fill("not the password")
    page.get_by_test_id("session-expired-submit").click()
    expect(page.get_by_test_id("session-expired-error")).to_be_visible()
    page.get_by_test_id("session-expired-password").fill(PASSWORD)
    page.get_by_test_id("session-expired-submit").click()
    expect(dialog).to_have_count(0)

    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("designer-message")).to_contain_text("Draft saved")
    saved = server.api("GET", f"/api/drafts/{draft['id']}", token=token)
    assert saved["content"]["states"]["work"]["title"] == "Check the order"


def test_signing_out_still_leaves_for_the_login_page(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("viewer")
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    expect(page.get_by_test_id("session-expired")).to_have_count(0)
