"""An instance waiting for an event is moved on from its page: "Publish event…" beside what it waits for opens a form
with the event's type and the wait's correlation key (its value for this instance) filled in, and a JSON payload;
publishing says what it did. It used to say only that the event must be published to the deployment (POST
/api/events, `statewright publish …`), leaving someone with only a browser stuck. A role that may not publish
events is told why instead of shown the form."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RECEIPT: dict[str, Any] = {
    "id": "receipt_from_the_page",
    "title": "Receipt from the page",
    "initial": "await_documents",
    "context": {
        "type": "object",
        "properties": {"case": {"type": "object", "properties": {"ref": {"type": "string"}}}},
    },
    "states": {
        "await_documents": {"type": "wait", "event": {"type": "documents_received", "correlation": "case.ref"}},
        "filed": {"type": "final", "outcome": "success"},
    },
    "transitions": [{"source": "await_documents", "trigger": "done", "dest": "filed"}],
}


def test_an_analyst_publishes_the_awaited_event_from_the_instance_page(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    started = server.publish_and_start(RECEIPT, {"case": {"ref": "CASE-42"}}, token=token)
    page = sign_in("writer")
    page.goto(f"/instances/{started['id']}")
    awaited = page.get_by_test_id("awaited-event")
    awaited.get_by_test_id("publish-event-open").click()
    form = page.get_by_test_id("publish-event")
    expect(form.get_by_test_id("publish-event-type")).to_have_value("documents_received")
    expect(form.get_by_test_id("publish-event-key")).to_have_value("CASE-42")
    payload = form.get_by_test_id("publish-event-payload")
    expect(payload).to_have_value("{}")

    payload.fill('{"documents": [')
    expect(form.get_by_test_id("publish-event-payload-problem")).to_contain_text("Not valid JSON yet")
    expect(form.get_by_test_id("publish-event-send")).to_be_disabled()

    # a key that is not this instance's: published, and said to have missed it
    payload.fill('{"documents": ["passport.pdf"]}')
    form.get_by_test_id("publish-event-key").fill("CASE-41")
    form.get_by_test_id("publish-event-send").click()
    expect(form.get_by_test_id("publish-event-result")).to_contain_text(
        "this instance did not take it — check the correlation key"
    )
    expect(page.get_by_test_id("instance-status")).to_have_text("running")

    form.get_by_test_id("publish-event-key").fill("CASE-42")
    screenshot(page, "instance-publish-event")
    form.get_by_test_id("publish-event-send").click()
    expect(page.get_by_test_id("instance-event-published")).to_contain_text("this instance took it and moved on")
    expect(page.get_by_test_id("instance-status")).to_have_text("succeeded")
    expect(page.get_by_test_id("publish-event")).to_have_count(0)


def test_a_viewer_is_told_why_it_cannot_publish_the_event(server: LiveServer, sign_in: SignIn) -> None:
    flow = {**RECEIPT, "id": "receipt_seen_by_a_viewer"}
    started = server.publish_and_start(flow, {"case": {"ref": "CASE-7"}}, token=server.token("analyst"))
    page = sign_in("viewer")
    page.goto(f"/instances/{started['id']}")
    refused = page.get_by_test_id("publish-event-refused")
    expect(refused).to_contain_text(
        "Publishing an event takes the role of analyst, publisher or admin; you are signed in as viewer"
    )
    expect(refused.get_by_role("button", name="Publish event…")).to_be_disabled()
    expect(page.get_by_test_id("publish-event-open")).to_have_count(0)
