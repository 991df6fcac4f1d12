"""The UI works under its Content-Security-Policy: signing in, the definitions list and a flow's canvas
raise no CSP violation in Chromium."""

from __future__ import annotations

import pytest
from browser_steps import SignIn, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAFT = {
    "id": "csp_check",
    "title": "CSP check",
    "initial": "work",
    "states": {"work": {"type": "task", "action": "do_work"}, "finished": {"type": "final"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "finished"}],
    "layout": {"work": {"x": 0, "y": 0}, "finished": {"x": 0, "y": 160}},
}


def test_the_ui_runs_under_its_content_security_policy(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.evaluate("document.addEventListener('securitypolicyviolation', e => "
                  "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
    page.get_by_test_id("nav-definitions").click()
    expect(page.get_by_test_id("definitions-page")).to_be_visible()
    page.goto(f"/drafts/{draft['id']}")
    page.evaluate("document.addEventListener('securitypolicyviolation', e => "
                  "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
    expect(state(page, "work")).to_be_visible()
    state(page, "work").click()
    expect(page.get_by_test_id("state-inspector")).to_be_visible()
    response = page.request.get("/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert violations == []
