"""A failed instance says what went wrong first: the task's own error, with the action that failed, then why the
instance stopped on it. It used to say only "unhandled: no transition leaves 'extract' on 'error'", the cause
hidden in the timeline's folded payload column; and an instance whose flow caught the error (a task's `error`
transition into a final state of outcome failure) said nothing at all — its header read "failed in failed"."""

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

# The same intake, whose error path leads to a final state of outcome failure: the instance ends there, with
# no error of its own — the reason is the payload of the step that led there.
CAUGHT: dict[str, Any] = {
    **INTAKE,
    "id": "caught_intake",
    "title": "Caught intake",
    "states": {**INTAKE["states"], "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [*INTAKE["transitions"], {"source": "extract", "trigger": "error", "dest": "failed"}],
}


def _failed(server: LiveServer, flow: dict[str, Any], token: str) -> str:
    started = server.publish_and_start(flow, {"email": "nope"}, token=token)
    for _ in range(300):
        if server.api("GET", f"/api/instances/{started['id']}", token=token)["status"] == "failed":
            break
        time.sleep(0.05)
    return str(started["id"])


def test_a_failed_task_names_its_error(server: LiveServer, sign_in: SignIn) -> None:
    instance_id = _failed(server, INTAKE, server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/instances/{instance_id}")
    failure = page.get_by_test_id("instance-failure")
    expect(failure).to_contain_text(
        "failed in extract: the action 'extract_lead' failed (validation, after 1 attempt): "
        "'nope' is not a valid email address")
    expect(failure).to_contain_text("no transition leaves 'extract' on 'error', so the instance stopped there")
    screenshot(page, "instance-failure-words")


def test_a_failure_the_flow_caught_says_why_at_the_top(server: LiveServer, sign_in: SignIn) -> None:
    instance_id = _failed(server, CAUGHT, server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/instances/{instance_id}")
    expect(page.get_by_test_id("instance-state")).to_have_text("failed")
    expect(page.get_by_test_id("instance-page")).to_contain_text("ended in failed")  # not "failed in failed"
    failure = page.get_by_test_id("instance-failure")
    expect(failure).to_have_text(
        "This instance failed in extract: the action 'extract_lead' failed (validation, after 1 attempt): "
        "'nope' is not a valid email address — the flow went on to its failure state 'failed'.")
    # The timeline's payload of that step: the message whole, in words, and the raw payload's tooltip.
    row = page.get_by_test_id("timeline-row-2")
    expect(row.get_by_test_id("payload-error")).to_have_text("validation: 'nope' is not a valid email address")
    expect(row.locator("summary")).to_have_attribute("title", '{\n  "kind": "validation",\n  "message": '
                                                     '"\'nope\' is not a valid email address",\n  "attempts": 1\n}')
    screenshot(page, "instance-failure-caught")


# A failure state reached by a guard, whose result says why.
OVER_LIMIT: dict[str, Any] = {
    "id": "over_limit",
    "title": "Over the limit",
    "initial": "gate",
    "context": {"type": "object", "properties": {"amount": {"type": "number"}}},
    "states": {
        "gate": {"type": "choice"},
        "refused": {"type": "final", "outcome": "failure", "result": {"reason": "'The amount is over the limit'"}},
        "accepted": {"type": "final", "outcome": "success"},
    },
    "transitions": [{"source": "gate", "dest": "refused", "guard": "amount > 100"},
                    {"source": "gate", "dest": "accepted"}],
}


def test_a_failure_state_reached_by_a_guard_says_which_and_why(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    started = server.publish_and_start(OVER_LIMIT, {"amount": 500}, token=token)
    page = sign_in("analyst")
    page.goto(f"/instances/{started['id']}")
    expect(page.get_by_test_id("instance-failure")).to_have_text(
        "This instance ended in refused: a final state of outcome failure, reached from gate because the guard "
        "amount > 100 held. The amount is over the limit.")
