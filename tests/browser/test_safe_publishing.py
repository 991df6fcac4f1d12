"""Safe publishing: a new workflow cannot take a published flow's id unnoticed, Publish shows what changes (old
→ new values) and the problems before anything happens, replacing another flow needs an explicit yes, an
analyst who may not publish asks a publisher, and "Edit as draft" does not pile up identical drafts."""

from __future__ import annotations

import copy
import json
import re
import uuid
from typing import Any

import pytest
from browser_steps import SignIn, add_state, screenshot, select_state, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

APPROVAL_FLOW: dict[str, Any] = {
    "id": "expense_check",
    "title": "Expense check",
    "initial": "review",
    "states": {
        "review": {"type": "approval", "title": "Manager review", "approvers": {"roles": ["sales_manager"]},
                   "timeout": "PT48H"},
        "paid": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "review", "trigger": "approve", "dest": "paid"},
        {"source": "review", "trigger": "reject", "dest": "refused"},
        {"source": "review", "trigger": "timeout", "dest": "refused"},
    ],
}


def _publish(server: LiveServer, flow: dict[str, Any]) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": flow}, token=token)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", {"confirm_replace": True}, token=token)


def _create_new(page: Page, workflow_id: str) -> None:
    page.goto("/definitions")
    page.get_by_test_id("new-workflow").click()
    page.get_by_test_id("new-workflow-id").fill(workflow_id)
    page.get_by_test_id("create-workflow").click()


def test_a_bad_id_keeps_the_new_workflow_form_on_one_line(sign_in: SignIn) -> None:
    """The message under a bad id used to push the Id field up, out of line with the Title and the buttons."""
    analyst = sign_in("analyst")
    analyst.goto("/definitions")
    analyst.get_by_test_id("new-workflow").click()
    analyst.get_by_test_id("new-workflow-id").fill("Vendor Onboarding")
    expect(analyst.get_by_test_id("new-workflow-problem")).to_be_visible()
    def middle(test_id: str) -> float:
        box = analyst.get_by_test_id(test_id).bounding_box()
        assert box, test_id
        return box["y"] + box["height"] / 2

    lines = {name: middle(name) for name in ("new-workflow-id", "new-workflow-title", "create-workflow")}
    assert max(lines.values()) - min(lines.values()) < 3, lines
    screenshot(analyst, "new-workflow-bad-id")


def test_create_refuses_an_id_that_is_published_or_already_a_new_draft(sign_in: SignIn) -> None:
    analyst = sign_in("analyst")
    _create_new(analyst, "lead_qualification")  # the shipped flow's id
    problem = analyst.get_by_test_id("new-workflow-problem")
    expect(problem).to_contain_text("already a published workflow")
    expect(problem).to_contain_text("Edit as draft")
    expect(analyst.get_by_test_id("create-workflow")).to_be_disabled()
    expect(analyst.get_by_test_id("designer")).to_have_count(0)
    screenshot(analyst, "create-refuses-published-id")

    fresh = f"fresh_{uuid.uuid4().hex[:8]}"  # the server is shared: another test's draft may hold a fixed id
    _create_new(analyst, fresh)
    expect(analyst.get_by_test_id("designer")).to_be_visible()
    _create_new(analyst, fresh)
    expect(analyst.get_by_test_id("new-workflow-problem")).to_contain_text("already the id of a new workflow's draft")


def test_publish_shows_the_changes_with_values_and_the_findings_then_publishes(
    sign_in: SignIn, server: LiveServer
) -> None:
    _publish(server, APPROVAL_FLOW)
    analyst = sign_in("analyst")
    analyst.goto("/definitions/expense_check")
    analyst.get_by_test_id("edit-definition").click()
    expect(analyst.get_by_test_id("designer")).to_be_visible()
    select_state(analyst, "review")
    analyst.get_by_test_id("field-title").fill("Finance review")
    wait_validated(analyst)

    analyst.get_by_test_id("publish").click()
    dialog = analyst.get_by_test_id("publish-dialog")
    expect(dialog).to_contain_text("as v2")
    change = analyst.get_by_test_id("publish-change-review")
    expect(change).to_contain_text('"Manager review"')
    expect(change).to_contain_text('"Finance review"')
    expect(analyst.get_by_test_id("publish-findings")).to_contain_text("0 errors")
    screenshot(analyst, "publish-dialog-diff")
    analyst.get_by_test_id("publish-cancel").click()  # nothing happens until it is confirmed
    expect(dialog).to_have_count(0)
    versions = server.api("GET", "/api/definitions/expense_check/versions", token=server.token("viewer"))
    assert versions["total"] == 1

    analyst.get_by_test_id("publish").click()
    analyst.get_by_test_id("publish-confirm").click()
    expect(analyst.get_by_test_id("published-notice")).to_contain_text("Version 2 is published")


def test_a_new_draft_taking_a_published_id_needs_an_explicit_yes(sign_in: SignIn, server: LiveServer) -> None:
    _publish(server, {**copy.deepcopy(APPROVAL_FLOW), "id": "travel_check", "title": "Travel check"})
    impostor = {
        "id": "travel_check", "title": "One-state flow", "initial": "done",
        "states": {"done": {"type": "final"}}, "transitions": [],
    }
    draft = server.api("POST", "/api/drafts", {"content": impostor}, token=server.token("analyst"))
    analyst = sign_in("analyst")
    analyst.goto(f"/drafts/{draft['id']}")
    analyst.get_by_test_id("publish").click()
    warning = analyst.get_by_test_id("publish-replace-warning")
    expect(warning).to_contain_text("travel_check is already a published workflow")
    expect(analyst.get_by_test_id("publish-diff")).to_contain_text("State review removed")
    confirm = analyst.get_by_test_id("publish-confirm")
    expect(confirm).to_be_disabled()
    screenshot(analyst, "publish-dialog-replace-warning")
    analyst.get_by_test_id("publish-confirm-replace").check()
    confirm.click()
    expect(analyst.get_by_test_id("published-notice")).to_contain_text("Version 2 is published")


def test_publish_lists_errors_and_refuses_to_confirm(sign_in: SignIn, server: LiveServer) -> None:
    broken = {**copy.deepcopy(APPROVAL_FLOW), "id": "broken_check"}
    broken["transitions"] = broken["transitions"][:1]  # no reject: a missing approval outcome
    draft = server.api("POST", "/api/drafts", {"content": broken}, token=server.token("analyst"))
    analyst = sign_in("analyst")
    analyst.goto(f"/drafts/{draft['id']}")
    analyst.get_by_test_id("publish").click()
    expect(analyst.get_by_test_id("publish-refusal")).to_contain_text("missing-approval-outcome")
    # each problem says where it is: twenty alike would otherwise read as one repeated
    approval = next(sid for sid, s in broken["states"].items() if s["type"] == "approval")
    places = analyst.get_by_test_id("publish-finding-place").all_inner_texts()
    assert f"— in {approval}" in places, places
    expect(analyst.get_by_test_id("publish-confirm")).to_be_disabled()


def test_an_analyst_requests_publication_and_a_publisher_publishes_from_the_inbox(
    sign_in: SignIn, server: LiveServer
) -> None:
    writer = sign_in("writer")
    _create_new(writer, "expense_claims")
    expect(writer.get_by_test_id("designer")).to_be_visible()
    expect(writer.get_by_test_id("publish")).to_have_count(0)
    add_state(writer, "final", "filed")
    writer.keyboard.press("Control+s")
    expect(writer.get_by_test_id("designer")).to_have_attribute("data-dirty", "false")
    writer.get_by_test_id("request-publication").click()
    writer.get_by_test_id("publication-note").fill("Ready for the April release.")
    writer.get_by_test_id("publish-confirm").click()
    expect(writer.get_by_test_id("designer-message")).to_contain_text("Publication requested")
    # The drafts' list says so too (it did not).
    writer.get_by_test_id("nav-definitions").click()
    expect(writer.get_by_test_id("draft-row-expense_claims").get_by_test_id("draft-publication")).to_contain_text(
        "Requested by wes")

    publisher = sign_in("analyst")  # ana is also a publisher
    expect(publisher.get_by_test_id("inbox-count")).to_have_text(re.compile(r"[1-9]"))
    publisher.get_by_test_id("nav-inbox").click()
    request = publisher.get_by_test_id("publication-request-expense_claims")
    expect(request).to_contain_text("wes")
    expect(request).to_contain_text("Ready for the April release.")
    screenshot(publisher, "inbox-publication-request")
    request.click()
    publisher.get_by_test_id("publish").click()
    expect(publisher.get_by_test_id("publish-request-note")).to_contain_text("Ready for the April release.")
    publisher.get_by_test_id("publish-confirm").click()
    expect(publisher.get_by_test_id("published-notice")).to_contain_text("Version 1 is published")
    open_requests = server.api("GET", "/api/publication-requests", token=server.token("viewer"))
    assert all(r["workflow_id"] != "expense_claims" for r in open_requests)


def test_edit_as_draft_twice_opens_the_same_untouched_draft(sign_in: SignIn, server: LiveServer) -> None:
    _publish(server, {**copy.deepcopy(APPROVAL_FLOW), "id": "mileage_check", "title": "Mileage check"})
    analyst = sign_in("analyst")
    opened = []
    for _ in range(2):
        analyst.goto("/definitions/mileage_check")
        analyst.get_by_test_id("edit-definition").click()
        expect(analyst.get_by_test_id("designer")).to_be_visible()
        opened.append(analyst.url)
    assert opened[0] == opened[1]
    drafts = server.api("GET", "/api/drafts?workflow=mileage_check", token=server.token("viewer"))
    assert drafts["total"] == 1, json.dumps(drafts)[:500]
