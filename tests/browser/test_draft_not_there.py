"""A draft that is not there — published (publishing removes the draft), or deleted — says so in the reader's
words. A viewer opening the address of a draft published meanwhile used to read "The draft could not be opened:
no draft '13dafa…'", as if their role kept them out (it does not: any role reads drafts)."""

from __future__ import annotations

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FLOW = {
    "id": "published_meanwhile",
    "title": "Published meanwhile",
    "initial": "done",
    "states": {"done": {"type": "final", "outcome": "success"}},
    "transitions": [],
}


def test_a_published_draft_s_address_says_where_it_went(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": FLOW}, token=token)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", token=token)

    page = sign_in("viewer")
    page.goto(f"/drafts/{draft['id']}")
    problem = page.get_by_test_id("draft-error")
    expect(problem).to_contain_text("This draft is not there (any more): a draft is removed when it is published")
    expect(problem).not_to_contain_text("no draft '")
    screenshot(page, "draft-not-there")
    problem.get_by_role("link", name="Go to Workflows").click()
    expect(page.get_by_test_id("definitions-page")).to_be_visible()
