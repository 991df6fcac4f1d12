"""Renaming a state also renames it where a CEL expression writes its id as text — a guard
`context.last_state == "review"`, an assignment `'review'`, a policy's condition — in the same single undo step,
and the designer says which expressions it changed. Only a quoted text that is exactly the old id changes: an
identifier (`review_count`), a longer text ("in review", 'review_2') and a start trigger's condition (about other
workflows' states) stay as written. The rename used to leave the guard comparing with a state that no longer
existed, so the flow silently stopped taking that transition."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, json_text, screenshot, select_state, state, transition_label, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

GUARD = 'context.last_state == "review" || context.note == "in review"'
ASSIGN = {"last_state": "'review'", "count": "review_count + 1", "other": "'review_2'"}
POLICY = "instance.state == 'review' && amount > 10"
START = "event.state == 'review'"


def _draft() -> dict[str, Any]:
    return {
        "id": "renamed_in_expressions",
        "title": "Renamed in expressions",
        "initial": "check",
        "context": {"type": "object", "properties": {
            "amount": {"type": "number"}, "note": {"type": "string"}, "last_state": {"type": "string"},
            "review_count": {"type": "integer"}, "lead": {"type": "object"}}},
        "states": {
            "check": {"type": "task", "action": "score_lead", "input": {"lead": "lead"}},
            "route": {"type": "choice"},
            "review": {"type": "approval", "approvers": {"roles": ["approver"]}, "timeout": "PT48H",
                       "policies": ["big_deal"]},
            "done": {"type": "final", "outcome": "success", "result": {"reached": "'review'"}},
        },
        "transitions": [
            {"source": "check", "trigger": "done", "dest": "route", "assign": ASSIGN},
            {"source": "route", "dest": "done", "guard": GUARD, "priority": 1},
            {"source": "route", "dest": "review"},
            {"source": "check", "trigger": "error", "dest": "done"},
            {"source": "review", "trigger": "approve", "dest": "done"},
            {"source": "review", "trigger": "reject", "dest": "done"},
            {"source": "review", "trigger": "timeout", "dest": "done"},
        ],
        "policies": [{"id": "big_deal", "applies_at": ["review"], "condition": POLICY, "outcome": "allow",
                      "reason": "Every deal may go on."}],
        "starts_on": [{"event": "lead_reviewed", "condition": START}],
        "layout": {"check": {"x": 0, "y": 0}, "route": {"x": 0, "y": 160}, "review": {"x": 200, "y": 320},
                   "done": {"x": 0, "y": 480}},
    }


def _open(server: LiveServer, sign_in: SignIn) -> Page:
    draft = server.api("POST", "/api/drafts", {"content": _draft()}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "review")).to_be_visible()
    return page


def test_renaming_a_state_renames_its_id_written_in_expressions(server: LiveServer, sign_in: SignIn) -> None:
    page = _open(server, sign_in)
    select_state(page, "review")
    page.get_by_test_id("field-id").fill("triage")
    page.get_by_test_id("field-id").press("Enter")
    expect(state(page, "triage")).to_be_visible()

    transition_label(page, 1).click()
    expect(page.get_by_test_id("field-guard")).to_have_value(
        'context.last_state == "triage" || context.note == "in review"')

    # What changed beyond the plain references, said with Undo at hand.
    notice = page.get_by_test_id("rename-notice")
    expect(notice).to_contain_text("Renamed state 'review' to 'triage', also in 4 expressions")
    for place in ("the guard of the transition route → done", "assignment 'last_state' of the transition check → route",
                  "result 'reached' of done", "the condition of policy 'big_deal'"):
        expect(notice).to_contain_text(place)
    screenshot(page, "renamed-state-in-expressions")

    page.get_by_test_id("view-json").click()
    renamed = json_text(page)
    assert renamed["transitions"][1]["guard"] == 'context.last_state == "triage" || context.note == "in review"'
    assert renamed["transitions"][0]["assign"] == {
        "last_state": "'triage'", "count": "review_count + 1", "other": "'review_2'"}
    assert renamed["states"]["done"]["result"] == {"reached": "'triage'"}
    assert renamed["policies"][0]["condition"] == "instance.state == 'triage' && amount > 10"
    assert renamed["policies"][0]["applies_at"] == ["triage"]
    assert renamed["starts_on"][0]["condition"] == START  # another workflow's states
    wait_validated(page)
    expect(page.get_by_test_id("findings-errors")).to_have_text("0 errors")

    # One undo step takes the rename back with its expressions; the notice goes with it, and Redo brings both.
    page.get_by_test_id("undo").click()
    before = json_text(page)
    assert "review" in before["states"]
    assert "triage" not in before["states"]
    assert before["transitions"][1]["guard"] == GUARD
    assert before["transitions"][0]["assign"] == ASSIGN
    assert before["states"]["done"]["result"] == {"reached": "'review'"}
    assert before["policies"][0]["condition"] == POLICY
    expect(page.get_by_test_id("rename-notice")).to_have_count(0)
    page.get_by_test_id("redo").click()
    assert json_text(page)["transitions"][1]["guard"].startswith('context.last_state == "triage"')
    expect(page.get_by_test_id("rename-notice")).to_be_visible()

    # The Id field says so before anyone renames.
    page.get_by_test_id("view-diagram").click()
    select_state(page, "triage")
    expect(page.get_by_test_id("state-inspector")).to_contain_text('"triage" written in quotes in expressions')


def test_a_rename_no_expression_names_says_nothing_more(server: LiveServer, sign_in: SignIn) -> None:
    page = _open(server, sign_in)
    select_state(page, "check")
    page.get_by_test_id("field-id").fill("scoring")
    page.get_by_test_id("field-id").press("Enter")
    expect(state(page, "scoring")).to_be_visible()
    page.get_by_test_id("view-json").click()
    renamed = json_text(page)
    assert renamed["initial"] == "scoring"
    assert renamed["transitions"][0]["assign"] == ASSIGN
    expect(page.get_by_test_id("rename-notice")).to_have_count(0)
