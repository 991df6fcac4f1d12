"""Deleting a state that other states lead to takes their transitions with it. It used to happen without a word
(Undo brought them back, for whoever thought of it); now a notice says what went — the state and the transitions
into it, and from where — with Undo beside it, and goes when Undo brings them back."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, json_text, screenshot, select_state, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "delete_with_transitions",
    "title": "Delete with transitions",
    "initial": "intake",
    "states": {
        "intake": {"type": "task", "action": "score_lead"},
        "route": {"type": "choice"},
        "review": {"type": "approval", "title": "Manager review", "approvers": {"roles": ["approver"]}},
        "approved": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "intake", "trigger": "done", "dest": "route"},
        {"source": "intake", "trigger": "error", "dest": "review"},
        {"source": "route", "dest": "review", "guard": "true"},
        {"source": "route", "dest": "approved"},
        {"source": "review", "trigger": "approve", "dest": "approved"},
        {"source": "review", "trigger": "reject", "dest": "refused"},
    ],
    "layout": {"intake": {"x": 0, "y": 0}, "route": {"x": 0, "y": 140}, "review": {"x": 0, "y": 280},
               "approved": {"x": -200, "y": 420}, "refused": {"x": 200, "y": 420}},
}


def test_deleting_a_state_says_which_transitions_went_with_it(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    select_state(page, "review")
    page.keyboard.press("Delete")
    expect(state(page, "review")).to_have_count(0)

    notice = page.get_by_test_id("deletion-notice")
    expect(notice).to_have_text(
        "Deleted “Manager review” and the 2 transitions into it (from “intake” and “route”) and 2 out of it. Undo")
    screenshot(page, "deleted-state-with-transitions")

    notice.get_by_role("button", name="Undo").click()
    expect(state(page, "review")).to_be_visible()
    expect(page.get_by_test_id("deletion-notice")).to_have_count(0)
    page.get_by_test_id("view-json").click()
    assert json_text(page)["transitions"] == DRAFT["transitions"]

    page.get_by_test_id("redo").click()  # the deletion again: so is its notice
    expect(page.get_by_test_id("deletion-notice")).to_contain_text("Deleted “Manager review”")


def test_deleting_a_state_nothing_leads_to_or_from_says_nothing(server: LiveServer, sign_in: SignIn) -> None:
    content = {**DRAFT, "states": {**DRAFT["states"], "spare": {"type": "task", "action": "score_lead"}},
               "layout": {**DRAFT["layout"], "spare": {"x": 300, "y": 0}}}
    draft = server.api("POST", "/api/drafts", {"content": content}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    select_state(page, "spare")
    page.keyboard.press("Delete")
    expect(state(page, "spare")).to_have_count(0)
    expect(page.get_by_test_id("designer-message")).to_have_count(0)
