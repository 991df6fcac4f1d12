"""A first visit (no session yet) shows the sign-in page without an error in the browser's console: the designer
no longer asks who is signed in when the browser holds no session, so there is no 401 to log."""

from __future__ import annotations

import pytest
from live_server import LiveServer
from playwright.sync_api import Browser, BrowserContext, expect

pytestmark = pytest.mark.browser


def test_the_sign_in_page_logs_no_error(server: LiveServer, browser: Browser, contexts: list[BrowserContext]) -> None:
    context = browser.new_context(base_url=server.url)
    contexts.append(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/definitions")
    expect(page.get_by_test_id("login-username")).to_be_visible()
    page.wait_for_timeout(500)
    assert errors == []
