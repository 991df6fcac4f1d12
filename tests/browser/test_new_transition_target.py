"""The inspector's "New transition to" list: when the state picked there goes away while the inspector stays open
(an undo, a rename in the JSON view), the list shows another state, and Add makes the transition to the state
shown — it made one to the state that was gone (an unknown-state error the analyst never chose)."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, add_state, json_text, state, wait_validated
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "new_transition_target",
    "title": "New transition target",
    "initial": "check",
    "states": {"check": {"type": "task", "action": "score_lead"}, "passed": {"type": "final"}},
    "transitions": [{"source": "check", "trigger": "done", "dest": "passed"}],
}


def test_add_uses_the_state_the_list_shows_after_the_picked_one_is_undone(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "check")).to_be_visible()
    add_state(page, "final", "refused")  # added, then renamed: two edits

    search = page.get_by_test_id("canvas-search")
    search.fill("check")
    search.press("Enter")
    expect(page.get_by_test_id("field-id")).to_have_value("check")
    target = page.get_by_test_id("new-transition-dest")
    target.select_option("refused")
    page.get_by_test_id("undo").click()  # the rename
    page.get_by_test_id("undo").click()  # the state itself
    expect(state(page, "refused")).to_have_count(0)
    shown = target.input_value()
    assert shown in {"check", "passed"}, shown

    page.get_by_test_id("add-transition").click()
    expect(page.get_by_test_id("field-dest")).to_have_value(shown)
    page.get_by_test_id("view-json").click()
    assert [t["dest"] for t in json_text(page)["transitions"]] == ["passed", shown]
    wait_validated(page)
    expect(page.get_by_test_id("finding-unknown-state")).to_have_count(0)
