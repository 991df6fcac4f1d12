"""An instance in a wait state says which event it waits for, and where such an event comes from. It used to
say "Waiting for: Nothing." while it waited for an event no button on the page could send."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

INVOICE: dict[str, Any] = {
    "id": "invoice_payment",
    "title": "Invoice payment",
    "initial": "await_payment",
    "context": {"type": "object", "properties": {"invoice": {"type": "string"}}},
    "states": {
        "await_payment": {"type": "wait", "event": {"type": "payment_received", "correlation": "invoice"}},
        "paid": {"type": "final", "outcome": "success"},
    },
    "transitions": [{"source": "await_payment", "trigger": "done", "dest": "paid"}],
}


def test_the_monitor_names_the_awaited_event(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    started = server.publish_and_start(INVOICE, {"invoice": "INV-7"}, token=token)

    page = sign_in("analyst")
    page.goto(f"/instances/{started['id']}")
    awaited = page.get_by_test_id("awaited-event")
    expect(awaited).to_contain_text("Event payment_received whose correlation key equals invoice")
    expect(awaited).to_contain_text("statewright publish payment_received")
    expect(page.get_by_text("Nothing.")).to_have_count(0)
    expect(page.get_by_test_id("op-no-events")).to_contain_text("when the event it waits for (below) is published")
    screenshot(page, "instance-awaited-event")

    server.api("POST", "/api/events", {"type": "payment_received", "correlation_key": "INV-7"}, token=token)
    page.get_by_test_id("instance-refresh").click()
    expect(page.get_by_test_id("instance-status")).to_have_text("succeeded")
    expect(awaited).to_have_count(0)
