"""Renaming a state renames it everywhere the definition names it, as one undo step: its transitions and the
start, and also the policies' `applies_at` and the examples' `expect_state`, which it used to leave naming the old
id (an `unknown-state` error the analyst had not made). And a finding about such a field, clicked, opens the JSON
view on the field: in a long definition it opened on line 1, as the editor had parsed only the text's start."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, json_text, screenshot, select_state, state, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _draft(description: str = "") -> dict[str, Any]:
    return {
        "id": "renamed_everywhere",
        "title": "Renamed everywhere",
        **({"description": description} if description else {}),
        "initial": "check",
        "states": {
            "check": {"type": "task", "action": "score_lead"},
            "review": {"type": "approval", "approvers": {"roles": ["approver"]}, "timeout": "PT48H",
                       "policies": ["big_deal"]},
            "done": {"type": "final", "outcome": "success"},
        },
        "transitions": [
            {"source": "check", "trigger": "done", "dest": "review"},
            {"source": "check", "trigger": "error", "dest": "done"},
            {"source": "review", "trigger": "approve", "dest": "done"},
            {"source": "review", "trigger": "reject", "dest": "done"},
            {"source": "review", "trigger": "timeout", "dest": "done"},
        ],
        "policies": [{"id": "big_deal", "applies_at": ["start", "review"], "condition": "true", "outcome": "allow",
                      "reason": "Every deal may go on."}],
        "examples": [{"name": "approved", "events": [{"event": "approve", "actor": "sam"}], "expect_state": "done"}],
        "layout": {"check": {"x": 0, "y": 0}, "review": {"x": 0, "y": 160}, "done": {"x": 0, "y": 320}},
    }


def _open(server: LiveServer, sign_in: SignIn, content: dict[str, Any]) -> Page:
    draft = server.api("POST", "/api/drafts", {"content": content}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "review")).to_be_visible()
    return page


def _rename(page: Page, old: str, new: str) -> None:
    select_state(page, old)
    page.get_by_test_id("field-id").fill(new)
    page.get_by_test_id("field-id").press("Enter")
    expect(state(page, new)).to_be_visible()


def test_renaming_updates_policies_and_examples_in_one_undo_step(server: LiveServer, sign_in: SignIn) -> None:
    page = _open(server, sign_in, _draft())
    _rename(page, "review", "manager_review")
    _rename(page, "done", "closed")
    wait_validated(page)
    expect(page.get_by_test_id("findings-panel")).not_to_contain_text("unknown-state")
    screenshot(page, "renamed-state-everywhere")

    page.get_by_test_id("view-json").click()
    renamed = json_text(page)
    assert renamed["policies"][0]["applies_at"] == ["start", "manager_review"]
    assert renamed["examples"][0]["expect_state"] == "closed"
    assert renamed["initial"] == "check"

    page.get_by_test_id("undo").click()  # one step: the last rename, with its references
    once = json_text(page)
    assert "done" in once["states"]
    assert once["examples"][0]["expect_state"] == "done"
    assert once["policies"][0]["applies_at"] == ["start", "manager_review"]
    page.get_by_test_id("undo").click()
    twice = json_text(page)
    assert "review" in twice["states"]
    assert twice["policies"][0]["applies_at"] == ["start", "review"]


def test_a_finding_about_a_policy_opens_the_json_at_its_field(server: LiveServer, sign_in: SignIn) -> None:
    content = _draft("Why this flow exists, at length. " * 150)  # the policies start far past the text's first lines
    content["policies"][0]["applies_at"] = ["start", "reveiw"]
    page = _open(server, sign_in, content)
    wait_validated(page)
    finding = page.get_by_test_id("findings-panel").get_by_text("Policy 'big_deal' applies at 'reveiw'")
    finding.click()
    expect(page.get_by_test_id("json-view")).to_be_visible()
    # the editor selects the name the finding is about, on its line, not the opening brace on line 1
    expect(page.locator(".cm-activeLine")).to_contain_text('"reveiw"')
    assert page.evaluate("() => window.getSelection().toString()") == '"reveiw"'
    screenshot(page, "policy-finding-opens-json-at-field")


def test_renaming_a_state_inside_a_branch_updates_the_policy_naming_it(server: LiveServer, sign_in: SignIn) -> None:
    content = _draft()
    content["states"]["checks"] = {"type": "parallel", "branches": [{
        "name": "legal", "initial": "vet",
        "states": {"vet": {"type": "task", "action": "score_lead"}, "vetted": {"type": "final"}},
        "transitions": [{"source": "vet", "trigger": "done", "dest": "vetted"}]}]}
    content["transitions"][0] = {"source": "check", "trigger": "done", "dest": "checks"}
    content["transitions"].append({"source": "checks", "trigger": "done", "dest": "review"})
    content["policies"][0]["applies_at"] = ["vet"]
    content["layout"]["checks"] = {"x": 250, "y": 80}
    page = _open(server, sign_in, content)
    select_state(page, "checks")
    page.get_by_test_id("open-branch-legal").click()
    expect(page.get_by_test_id("scope-breadcrumb")).to_be_visible()
    _rename(page, "vet", "legal_vetting")
    page.get_by_test_id("view-json").click()
    renamed = json_text(page)
    assert renamed["policies"][0]["applies_at"] == ["legal_vetting"]
    assert renamed["states"]["checks"]["branches"][0]["initial"] == "legal_vetting"
