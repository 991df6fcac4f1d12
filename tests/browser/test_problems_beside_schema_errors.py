"""The Problems panel of a flow being edited lists everything wrong with it: while a task's action was empty (or
a transition had no target yet) it showed only that schema error — "1 error", as if nearly done — and hid the
unreachable states and guard problems of the rest. A schema error inside a parallel state's branch named the
parallel state; it now names the state at fault, and a click opens the branch on it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from browser_steps import SignIn, open_draft, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FLOW: dict[str, Any] = {
    "id": "refund_mid_edit",
    "title": "Refund, mid-edit",
    "initial": "check",
    "states": {
        "check": {"type": "task", "action": ""},
        "route": {"type": "choice"},
        "orphan": {"type": "task", "action": "file_it"},
        "paid": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "check", "trigger": "done", "dest": "route"},
        {"source": "check", "trigger": "error", "dest": "refused"},
        {"source": "route", "dest": "paid", "guard": "verdict.auto and true", "priority": 1},
        {"source": "route", "dest": "refused"},
        {"source": "orphan", "trigger": "done"},
    ],
}

BRANCHED: dict[str, Any] = {
    "id": "loan_mid_edit",
    "title": "Loan, mid-edit",
    "initial": "both",
    "states": {
        "both": {"type": "parallel", "branches": [{
            "name": "credit", "initial": "score",
            "states": {"score": {"type": "task", "action": ""}, "scored": {"type": "final"}},
            "transitions": [{"source": "score", "trigger": "done", "dest": "scored"},
                            {"source": "score", "trigger": "error", "dest": "scored"}],
        }]},
        "done": {"type": "final"},
    },
    "transitions": [{"source": "both", "trigger": "done", "dest": "done"},
                    {"source": "both", "trigger": "error", "dest": "done"}],
}


def test_the_problems_panel_lists_the_schema_errors_and_the_rest(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, copy.deepcopy(FLOW))
    panel = page.get_by_test_id("findings-panel")
    expect(panel.get_by_test_id("finding-schema")).to_have_count(2)
    expect(panel.get_by_test_id("finding-schema").first).to_contain_text("'action' cannot be empty.")
    expect(panel.get_by_test_id("finding-unreachable-state")).to_contain_text("orphan")
    expect(panel.get_by_test_id("finding-guard-syntax")).to_contain_text("transition 3")
    expect(panel.get_by_test_id("finding-task-without-error-path")).to_have_count(1)
    # the server has no handler for 'file_it'; nothing is said of the action 'check' does not have yet
    expect(panel.get_by_test_id("finding-unknown-action")).to_have_count(1)
    expect(panel.get_by_test_id("finding-unknown-action")).to_contain_text("'file_it'")
    expect(page.get_by_test_id("findings-errors")).to_have_text("5 errors")
    screenshot(page, "problems-beside-schema-errors")


def test_a_schema_error_in_a_branch_names_the_inner_state_and_opens_it(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, copy.deepcopy(BRANCHED))
    problem = page.get_by_test_id("findings-panel").get_by_test_id("finding-schema")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("In parallel state 'both' \u203a branch 'credit' \u203a state 'score': "
                                    "'action' cannot be empty.")
    expect(problem.get_by_test_id("finding-target")).to_have_text("score in both \u203a credit")
    problem.click()
    expect(page.get_by_test_id("field-id")).to_have_value("score")
    screenshot(page, "schema-error-in-a-branch-opened")
