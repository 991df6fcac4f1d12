"""An operator's JSON fields on an instance's page say at the field what keeps their text from being sent, and
their button waits until it is what would be sent — as docs/designer.md promises of every JSON field. QA found
Redrive with the corrections `{"ticket_id": 12345678901234567890}` enabled, and the refusal in a banner at the top
of the page, away from the field; an event's payload was the same."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BIG = "12345678901234567890"


def _failing(workflow_id: str) -> dict[str, Any]:
    """The task gives its action the context's lead, which the instance is started without: the input does not
    evaluate, so the task fails, and nothing leaves the task on 'error'."""
    return {"id": workflow_id, "title": "Scoring without a lead", "initial": "score",
            "states": {"score": {"type": "task", "action": "score_lead", "input": {"lead": "lead"},
                                 "output": "lead"},
                       "scored": {"type": "final", "outcome": "success"}},
            "transitions": [{"source": "score", "trigger": "done", "dest": "scored"}]}


def _withdrawable(workflow_id: str) -> dict[str, Any]:
    return {"id": workflow_id, "title": "Withdrawable", "initial": "review",
            "states": {"review": {"type": "approval", "approvers": {"roles": ["legal"]}},
                       "done": {"type": "final", "outcome": "success"},
                       "withdrawn": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "review", "trigger": "approve", "dest": "done"},
                            {"source": "review", "trigger": "reject", "dest": "withdrawn"},
                            {"source": "review", "trigger": "withdraw", "dest": "withdrawn"}]}


def _until_failed(server: LiveServer, token: str, instance_id: str) -> None:
    for _ in range(300):
        if server.api("GET", f"/api/instances/{instance_id}", token=token)["status"] == "failed":
            return
        time.sleep(0.05)
    raise AssertionError(f"the instance {instance_id} did not fail")


def test_redrive_waits_until_the_corrections_are_what_would_be_sent(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    run = server.publish_and_start(_failing(f"scoring_{uuid.uuid4().hex[:8]}"), {}, token=token)
    _until_failed(server, token, run["id"])
    page = sign_in("analyst")
    page.goto(f"/instances/{run['id']}")
    field, problem, redrive = (page.get_by_test_id("redrive-set"), page.get_by_test_id("redrive-set-problem"),
                               page.get_by_test_id("op-redrive"))
    expect(redrive).to_be_enabled()  # nothing to correct is fine

    field.fill(f'{{"subject": "Car accident claim", "ticket_id": {BIG}}}')
    expect(problem).to_contain_text(f"The number {BIG} cannot be kept exactly")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(redrive).to_be_disabled()
    expect(page.get_by_test_id("instance-operation-error")).to_have_count(0)  # nothing at the top of the page
    screenshot(page, "pages-redrive-field-problem")

    for text, words in (('{"lead..score": 70}', "'lead..score' is not a context path"),
                        ("size: 3", "Not valid JSON yet"),
                        ('["ticket_id"]', "Write a JSON object of names and values"),
                        ('{"tier": "a", "tier": "b"}', "'tier' is written twice in the same object")):
        field.fill(text)
        expect(problem).to_contain_text(words)
        expect(redrive).to_be_disabled()

    field.fill(f'{{"ticket_id": "{BIG}"}}')
    expect(problem).to_have_count(0)
    expect(redrive).to_be_enabled()
    redrive.click()
    expect(page.locator("[data-testid^='timeline-row-']")).not_to_have_count(2)  # redriven (and failed again)
    history = server.api("GET", f"/api/instances/{run['id']}/history", token=token)["items"]
    assert any(entry["event"] == "(redrive)" for entry in history)


def test_send_waits_until_the_payload_is_what_would_be_sent(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    run = server.publish_and_start(_withdrawable(f"withdraw_{uuid.uuid4().hex[:8]}"), {}, token=token)
    page = sign_in("analyst")
    page.goto(f"/instances/{run['id']}")
    payload, problem, send = (page.get_by_test_id("op-payload"), page.get_by_test_id("op-payload-problem"),
                              page.get_by_test_id("op-send"))
    expect(send).to_be_enabled()
    payload.fill(f'{{"ticket_id": {BIG}}}')
    expect(problem).to_contain_text(f"The number {BIG} cannot be kept exactly")
    expect(send).to_be_disabled()
    payload.fill('{"ticket_id": ')
    expect(problem).to_contain_text("Not valid JSON yet")
    expect(send).to_be_disabled()
    payload.fill(f'{{"ticket_id": "{BIG}"}}')
    expect(problem).to_have_count(0)
    send.click()
    expect(page.get_by_test_id("instance-state")).to_have_text("withdrawn")
    history = server.api("GET", f"/api/instances/{run['id']}/history", token=token)["items"]
    assert history[-1]["payload"] == {"ticket_id": BIG}
