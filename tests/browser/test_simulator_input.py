"""The simulator's context is checked as a real start checks it: a context that is no JSON object is said so
under the field (it went to the server and came back as "Validation failed for POST /api/simulate: body
context: Input should be a valid dictionary"), and one the workflow's context schema refuses is refused (the
simulation ran as if a start like that could happen). A context schema that is no JSON Schema at all (a typo in
its type) is the definition's error, not a server error."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, open_draft
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TYPED: dict[str, Any] = {
    "id": "typed_simulation",
    "title": "Typed simulation",
    "initial": "hold",
    "context": {"type": "object", "properties": {"amount": {"type": "integer"}}, "required": ["amount"]},
    "states": {"hold": {"type": "wait", "duration": "P1D"}, "done": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "hold", "trigger": "done", "dest": "done"}],
}


def test_the_simulator_checks_its_context_as_a_start_does(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, TYPED, showing="hold")
    page.get_by_test_id("panel-simulate").click()
    context = page.get_by_test_id("sim-context")

    context.fill("[1]")
    expect(page.get_by_test_id("simulator")).to_contain_text("Write a JSON object: { … } with names and values.")

    context.fill('{"amount": "many"}')
    page.get_by_test_id("sim-start").click()
    expect(page.get_by_test_id("sim-error")).to_contain_text("the context does not fit the workflow's schema")
    expect(page.get_by_test_id("sim-error")).to_contain_text("/amount")
    expect(page.get_by_test_id("sim-status")).to_have_count(0)

    context.fill('{"amount": 3}')
    page.get_by_test_id("sim-start").click()
    expect(page.get_by_test_id("sim-state")).to_have_text("hold")
    expect(page.get_by_test_id("sim-error")).to_have_count(0)


def test_a_mistyped_context_schema_is_the_definitions_error(server: LiveServer, sign_in: SignIn) -> None:
    flow = {**TYPED, "id": "mistyped_simulation", "context": {"type": "obejct"}}
    page = open_draft(server, sign_in, flow, showing="hold")
    page.get_by_test_id("panel-simulate").click()
    page.get_by_test_id("sim-context").fill("{}")
    page.get_by_test_id("sim-start").click()
    expect(page.get_by_test_id("sim-error")).to_contain_text("The context schema is not a JSON Schema")
    expect(page.get_by_test_id("sim-error")).not_to_contain_text("failed to handle")
