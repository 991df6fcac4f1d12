"""A failed instance says what went wrong first: the task's own error, then why the instance stopped on it. It
used to say only "unhandled: no transition leaves 'extract' on 'error'", the cause hidden in the timeline's
folded payload column."""

from __future__ import annotations

import time
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

INTAKE: dict[str, Any] = {
    "id": "fragile_intake",
    "title": "Fragile intake",
    "initial": "extract",
    "context": {"type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]},
    "states": {
        "extract": {"type": "task", "agent": "bdr_concierge", "action": "extract_lead", "input": {"email": "email"},
                    "output": "lead"},
        "done": {"type": "final", "outcome": "success"},
    },
    "transitions": [{"source": "extract", "trigger": "done", "dest": "done"}],  # no way on from an error
}


def test_a_failed_task_names_its_error(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    started = server.publish_and_start(INTAKE, {"email": "nope"}, token=token)
    for _ in range(300):
        if server.api("GET", f"/api/instances/{started['id']}", token=token)["status"] == "failed":
            break
        time.sleep(0.05)

    page = sign_in("analyst")
    page.goto(f"/instances/{started['id']}")
    failure = page.get_by_test_id("instance-failure")
    expect(failure).to_contain_text("failed in extract: 'nope' is not a valid email address")
    expect(failure).to_contain_text("(validation, after 1 attempt)")
    expect(failure).to_contain_text("no transition leaves 'extract' on 'error', so the instance stopped there")
    screenshot(page, "instance-failure-words")
