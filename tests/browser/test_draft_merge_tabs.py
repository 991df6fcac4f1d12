"""One draft open in two tabs, each changing a different state: tab 2 retitles `kb_gap` and saves while tab 1 has
retitled `flag` and not saved. Tab 1 is told at once, and its first choice is "Combine both" — a three-way
merge from the revision it last saved — which keeps both titles, unsaved, with an Undo; saving then stores both.
Its only choices used to be loading the saved version (losing the `flag` title) or saving over it (undoing the
`kb_gap` one), and a stale "Draft saved (revision 2)." stayed beside the notice. When both tabs changed the same
field, the notice names it and does not offer to combine. A transition added in one tab combines with another
transition edited in the other: transitions without ids used to be matched by their place in the list, so any
transition added or removed made "the list of transitions" an overlap."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, add_transition, open_draft, screenshot, select_state, state, transition_label
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "claims_two_tabs",
    "title": "Claims in two tabs",
    "initial": "intake",
    "states": {
        "intake": {"type": "task", "action": "score_lead", "title": "Take the claim in"},
        "kb_gap": {"type": "task", "action": "score_lead", "title": "Record a knowledge gap"},
        "flag": {"type": "task", "action": "score_lead", "title": "Flag for human review"},
        "paid": {"type": "final"},
    },
    "transitions": [
        {"source": "intake", "trigger": "done", "dest": "kb_gap"},
        {"source": "kb_gap", "trigger": "done", "dest": "flag"},
        {"source": "flag", "trigger": "done", "dest": "paid"},
    ],
    "layout": {"intake": {"x": 0, "y": 0}, "kb_gap": {"x": 0, "y": 160}, "flag": {"x": 0, "y": 320},
               "paid": {"x": 0, "y": 480}},
}

TAB_1_FLAG = "Flag for human review (tab 1)"
TAB_2_KB_GAP = "Record a knowledge gap (tab 2)"


def _retitle(page: Page, state_id: str, title: str) -> None:
    select_state(page, state_id)
    page.get_by_test_id("field-title").fill(title)
    page.get_by_test_id("field-title").press("Enter")
    expect(state(page, state_id)).to_contain_text(title)


def _second_tab(first: Page, sign_in: SignIn) -> Page:
    """The same draft in a second browser context (another window), signed in as the same analyst."""
    second = sign_in("analyst")
    second.goto(first.url)
    expect(state(second, "flag")).to_be_visible()
    return second


def _save(page: Page, revision: int) -> None:
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("designer-message")).to_contain_text(f"Draft saved (revision {revision})")


def test_changes_to_different_states_are_combined_and_saved(server: LiveServer, sign_in: SignIn) -> None:
    tab_1 = open_draft(server, sign_in, DRAFT, showing="flag")
    draft_id = tab_1.url.rstrip("/").rsplit("/", 1)[-1]
    _retitle(tab_1, "intake", "Take the claim in (saved)")
    _save(tab_1, 2)
    tab_2 = _second_tab(tab_1, sign_in)
    expect(tab_1.locator("html[data-live='stream']")).to_have_count(1)

    _retitle(tab_1, "flag", TAB_1_FLAG)
    _retitle(tab_2, "kb_gap", TAB_2_KB_GAP)
    _save(tab_2, 3)

    told = tab_1.get_by_test_id("saved-elsewhere")
    expect(told).to_contain_text("revision 3")
    expect(tab_1.get_by_test_id("designer-message")).to_have_count(0)  # "Draft saved (revision 2)." is not true now
    combine = tab_1.get_by_test_id("saved-elsewhere-combine")
    expect(combine).to_have_text("Combine both")
    expect(combine).to_have_class("primary")
    expect(tab_1.get_by_test_id("saved-elsewhere-load")).not_to_have_class("primary")
    expect(tab_1.get_by_test_id("saved-elsewhere-overlaps")).to_have_count(0)
    screenshot(tab_1, "draft-merge-tabs-offer")

    combine.click()
    expect(told).to_have_count(0)
    expect(state(tab_1, "kb_gap")).to_contain_text(TAB_2_KB_GAP)
    expect(state(tab_1, "flag")).to_contain_text(TAB_1_FLAG)
    notice = tab_1.get_by_test_id("combined-notice")
    expect(notice).to_contain_text("revision 3")
    expect(notice).to_contain_text("state “kb_gap”: title")
    expect(tab_1.get_by_test_id("designer")).to_have_attribute("data-dirty", "true")  # combined, not saved yet
    screenshot(tab_1, "draft-merge-tabs-combined")

    tab_1.get_by_test_id("combined-undo").click()  # back to this tab's version alone
    expect(state(tab_1, "kb_gap")).not_to_contain_text(TAB_2_KB_GAP)
    expect(state(tab_1, "flag")).to_contain_text(TAB_1_FLAG)
    tab_1.get_by_test_id("redo").click()
    expect(state(tab_1, "kb_gap")).to_contain_text(TAB_2_KB_GAP)

    _save(tab_1, 4)  # against revision 3, which the combined version is made from: no conflict
    saved = server.api("GET", f"/api/drafts/{draft_id}", token=server.token("analyst"))
    assert saved["revision"] == 4
    titles = {sid: s.get("title") for sid, s in saved["content"]["states"].items()}
    assert titles["kb_gap"] == TAB_2_KB_GAP
    assert titles["flag"] == TAB_1_FLAG
    assert titles["intake"] == "Take the claim in (saved)"


def test_changes_to_the_same_field_are_named_and_not_combined(server: LiveServer, sign_in: SignIn) -> None:
    tab_1 = open_draft(server, sign_in, DRAFT, showing="flag")
    tab_2 = _second_tab(tab_1, sign_in)
    expect(tab_1.locator("html[data-live='stream']")).to_have_count(1)

    _retitle(tab_1, "flag", TAB_1_FLAG)
    _retitle(tab_1, "kb_gap", "Record a knowledge gap (tab 1)")
    _retitle(tab_2, "flag", "Flag for review (tab 2)")
    _save(tab_2, 2)

    expect(tab_1.get_by_test_id("saved-elsewhere")).to_contain_text("revision 2")
    expect(tab_1.get_by_test_id("saved-elsewhere-overlaps").locator("li")).to_have_text(["state “flag”: title"])
    expect(tab_1.get_by_test_id("saved-elsewhere-combine")).to_have_count(0)
    expect(tab_1.get_by_test_id("saved-elsewhere-load")).to_have_class("primary")
    screenshot(tab_1, "draft-merge-tabs-overlap")

    tab_1.get_by_test_id("saved-elsewhere-save-mine").click()
    expect(tab_1.get_by_test_id("save-conflict")).to_contain_text("Not saved yet")
    expect(tab_1.get_by_test_id("conflict-overlaps").locator("li")).to_have_text(["state “flag”: title"])
    expect(tab_1.get_by_test_id("conflict-combine")).to_have_count(0)
    expect(tab_1.get_by_test_id("conflict-keep-mine")).to_be_visible()
    expect(tab_1.get_by_test_id("conflict-take-theirs")).to_be_visible()


def test_a_transition_added_in_one_tab_combines_with_another_edited_in_the_other(
    server: LiveServer, sign_in: SignIn
) -> None:
    tab_1 = open_draft(server, sign_in, DRAFT, showing="flag")
    draft_id = tab_1.url.rstrip("/").rsplit("/", 1)[-1]
    tab_2 = _second_tab(tab_1, sign_in)
    expect(tab_1.locator("html[data-live='stream']")).to_have_count(1)

    add_transition(tab_1, "kb_gap", "paid")  # kb_gap → paid on error, the trigger a task's second transition gets
    expect(transition_label(tab_1, 3)).to_contain_text("error")
    transition_label(tab_2, 0).click()
    expect(tab_2.get_by_test_id("transition-inspector")).to_be_visible()
    tab_2.get_by_test_id("field-guard").fill("context.amount > 100")
    expect(transition_label(tab_2, 0)).to_contain_text("context.amount > 100")
    _save(tab_2, 2)

    expect(tab_1.get_by_test_id("saved-elsewhere")).to_contain_text("revision 2")
    expect(tab_1.get_by_test_id("saved-elsewhere-overlaps")).to_have_count(0)
    tab_1.get_by_test_id("saved-elsewhere-combine").click()
    expect(tab_1.get_by_test_id("combined-notice")).to_contain_text("revision 2")
    expect(transition_label(tab_1, 0)).to_contain_text("context.amount > 100")
    expect(transition_label(tab_1, 3)).to_contain_text("error")
    expect(tab_1.locator(".transition-label")).to_have_count(4)
    screenshot(tab_1, "draft-merge-tabs-transitions")

    _save(tab_1, 3)
    saved = server.api("GET", f"/api/drafts/{draft_id}", token=server.token("analyst"))
    assert saved["content"]["transitions"] == [
        {"source": "intake", "trigger": "done", "dest": "kb_gap", "guard": "context.amount > 100"},
        {"source": "kb_gap", "trigger": "done", "dest": "flag"},
        {"source": "flag", "trigger": "done", "dest": "paid"},
        {"source": "kb_gap", "trigger": "error", "dest": "paid"},
    ]
