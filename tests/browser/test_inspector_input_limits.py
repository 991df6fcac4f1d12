"""What an analyst types that a definition cannot hold is said where it is typed, before it is lost or refused:
a number too big to write down ("1e999" is Infinity, which JSON writes as null: the timeout vanished on save),
a workflow title or id longer than the format allows, and the events a map state's transition may take (its
trigger offered no "error"). The publish dialog names where a problem inside a branch is, as the Problems panel
does (it said "in work" for a task of that name in any branch)."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, json_text, open_draft, select_state, wait_validated
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "input_limits",
    "title": "Input limits",
    "initial": "charge",
    "context": {"type": "object", "properties": {"orders": {"type": "array"}}},
    "states": {
        "charge": {"type": "task", "action": "score_lead", "timeout_s": 30},
        "each": {"type": "map", "items": "orders", "iterator": {
            "initial": "pack", "states": {"pack": {"type": "task", "action": "score_lead"},
                                          "packed": {"type": "final"}},
            "transitions": [{"source": "pack", "trigger": "done", "dest": "packed"}]}},
        "checks": {"type": "parallel", "branches": [{
            "name": "legal", "initial": "work",
            "states": {"work": {"type": "task", "action": "no_such_action"}, "ok": {"type": "final"}},
            "transitions": [{"source": "work", "trigger": "done", "dest": "ok"}]}]},
        "finished": {"type": "final", "outcome": "success"},
    },
    "transitions": [{"source": "charge", "trigger": "done", "dest": "each"},
                    {"source": "each", "trigger": "done", "dest": "checks"},
                    {"source": "checks", "trigger": "done", "dest": "finished"}],
}


def test_a_number_too_big_to_store_is_refused_where_it_is_typed(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    select_state(page, "charge")
    page.get_by_test_id("field-timeout_s").fill("1e999")
    expect(page.get_by_test_id("state-inspector")).to_contain_text("Enter a number.")
    page.get_by_test_id("view-json").click()
    assert json_text(page)["states"]["charge"]["timeout_s"] == 30  # kept, not written as null


def test_a_map_states_transition_is_offered_done_and_error(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    search = page.get_by_test_id("canvas-search")
    search.fill("each")
    search.press("Enter")
    expect(page.get_by_test_id("field-id")).to_have_value("each")
    page.get_by_test_id("select-transition-1").click()
    offered = page.get_by_test_id("field-trigger").evaluate("e => [...e.list.options].map(o => o.value)")
    assert {"done", "error"} <= set(offered), offered


def test_a_new_workflows_title_and_id_are_checked_for_length(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    page.get_by_test_id("new-workflow").click()
    page.get_by_test_id("new-workflow-id").fill("a" * 129)
    expect(page.get_by_test_id("new-workflow-problem")).to_have_text("Use at most 128 characters (this one has 129).")
    page.get_by_test_id("new-workflow-id").fill("long_title")
    page.get_by_test_id("new-workflow-title").fill("Ü" * 150 + "😀" * 51)  # 201 characters (the emoji count once)
    expect(page.get_by_test_id("new-workflow-title-problem")).to_have_text(
        "A title has at most 200 characters (this one has 201).")
    expect(page.get_by_test_id("create-workflow")).to_be_disabled()
    page.get_by_test_id("new-workflow-title").fill("Ü" * 150 + "😀" * 50)
    expect(page.get_by_test_id("new-workflow-title-problem")).to_have_count(0)
    page.get_by_test_id("create-workflow").click()
    page.wait_for_url("**/drafts/**")
    wait_validated(page)
    expect(page.get_by_test_id("findings-panel")).not_to_contain_text("at most 200 characters")


def test_the_publish_dialog_says_which_branch_a_problem_is_in(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, DRAFT, showing="checks")
    page.get_by_test_id("publish").click()
    places = page.get_by_test_id("publish-dialog").get_by_test_id("publish-finding-place")
    expect(places.filter(has_text="in work").first).to_have_text("— in work in checks \u203a legal")  # a scope's arrow
