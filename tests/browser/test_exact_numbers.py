"""An operator starts an instance from a workflow's page with a context typed as JSON. A whole number longer than
JavaScript keeps (a 20-digit account id) was sent with its last digits changed — 12345678901234567890 became
12345678901234567000 in the instance — and text that was no context yet started the instance with the context
shown before (the example's). Now the field says the number cannot be kept exactly and Start waits until the
text is a context."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ACCOUNTS: dict[str, Any] = {
    "id": "account_lookup",
    "title": "Account lookup",
    "initial": "hold",
    "context": {"type": "object", "properties": {"account_id": {"type": ["integer", "string"]}}},
    "states": {"hold": {"type": "wait", "duration": "P1D"}, "done": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "hold", "trigger": "done", "dest": "done"}],
}


def test_a_number_javascript_cannot_keep_is_not_sent_changed(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": ACCOUNTS}, token=token)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", token=token)
    page = sign_in("analyst")
    page.goto(f"/definitions/{ACCOUNTS['id']}")
    page.get_by_test_id("start-instance").click()
    context = page.get_by_test_id("start-context")
    start = page.get_by_test_id("start-confirm")

    context.fill('{"account_id": 12345678901234567890}')
    expect(page.get_by_test_id("start-form")).to_contain_text(
        "The number 12345678901234567890 cannot be kept exactly")
    expect(start).to_be_disabled()
    context.fill('{"account_id": ')  # not a context yet either
    expect(start).to_be_disabled()

    context.fill('{"account_id": "12345678901234567890"}')
    expect(start).to_be_enabled()
    start.click()
    page.wait_for_url("**/instances/**")
    instance_id = page.url.rsplit("/", 1)[1]
    started = server.api("GET", f"/api/instances/{instance_id}", token=token)
    assert started["context"] == {"account_id": "12345678901234567890"}
