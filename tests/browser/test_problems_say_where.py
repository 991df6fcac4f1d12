"""Every problem in the Problems panel says where it is, and a click takes the person there — also one about
no state or transition. An example named `low risk` (a space) used to give an error with an empty location, a
message that never said "example", and a row that did nothing when clicked."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, open_draft, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FLOW: dict[str, Any] = {
    "id": "problems_say_where",
    "title": "Problems say where",
    "initial": "review",
    "context": {"type": "object", "properties": {"amount": {"type": "number"}}},
    "states": {
        "review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}},
        "done": {"type": "final", "outcome": "success"},
    },
    "transitions": [{"source": "review", "trigger": "approve", "dest": "done"},
                    {"source": "review", "trigger": "reject", "dest": "done"}],
    "examples": [{"name": "small", "context": {"amount": 10}}, {"name": "low risk", "context": {"amount": 50}}],
}


def test_an_example_s_problem_names_it_and_opens_it(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, FLOW)
    problem = page.get_by_test_id("finding-schema")
    expect(problem).to_have_count(1)
    expect(problem.get_by_test_id("finding-target")).to_have_text("Example 'low risk': name")

    # Something else selected, so the click has to bring the workflow's fields back.
    page.get_by_test_id("canvas-search").fill("review")
    page.get_by_test_id("canvas-search").press("Enter")
    expect(page.get_by_test_id("state-inspector")).to_be_visible()

    problem.click()
    examples = page.get_by_test_id("field-examples")
    expect(examples).to_be_focused()
    expect(examples).to_be_in_viewport()
    chosen = examples.evaluate("e => e.value.slice(e.selectionStart, e.selectionEnd)")
    assert chosen == '"name": "low risk"', chosen
    expect(page.get_by_test_id("field-examples-problem")).to_contain_text("Example 'low risk': name — Use letters")
    screenshot(page, "problem-in-an-example-opened")
