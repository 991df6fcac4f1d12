"""A state renamed in the designer (its Id in the Inspector), as QA found it: the rename notice named a transition
by a number no one sees ("assignment 'back_to' of transition 23"), and publishing the draft did not use the rename
— the migration preview refused the instances waiting in the old state ("the state 'discount_approval' is not in
version 2; map it to one of its states") and the offer to migrate after left them on v1. Now the notice names
the transition by its ends, as the canvas draws it, and the old state is mapped to its new id before anyone
asks, in the preview and in the migration after publishing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from browser_steps import SignIn, screenshot, select_state, state
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _rename(page: Page, old: str, new: str) -> None:
    select_state(page, old)
    page.get_by_test_id("field-id").fill(new)
    page.get_by_test_id("field-id").press("Enter")
    expect(state(page, new)).to_be_visible()


def _discount(workflow_id: str) -> dict[str, Any]:
    return {
        "id": workflow_id, "title": "Discount (rename)", "initial": "discount_approval",
        "states": {"discount_approval": {"type": "approval", "title": "Discount authorisation",
                                         "approvers": {"roles": ["legal"]}},
                   "granted": {"type": "final", "outcome": "success"},
                   "refused": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "discount_approval", "trigger": "approve", "dest": "granted"},
                        {"source": "discount_approval", "trigger": "reject", "dest": "refused"}],
    }


def test_a_state_renamed_in_the_draft_takes_its_instances_along_when_published(
        server: LiveServer, sign_in: SignIn) -> None:
    workflow_id = f"renamed_{uuid.uuid4().hex[:8]}"
    token = server.token("analyst")
    waiting = server.publish_and_start(_discount(workflow_id), {}, token=token)["id"]
    draft = server.api("POST", "/api/drafts", {"workflow_id": workflow_id}, token=token)

    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    _rename(page, "discount_approval", "credit_approval")
    page.get_by_test_id("publish").click()  # saves the draft first

    before = page.get_by_test_id("publish-migration")
    expect(before.get_by_test_id("publish-renames")).to_have_text(
        "Renamed in this draft, so their instances are mapped to the new id: discount_approval → credit_approval.")
    expect(before.get_by_test_id("publish-migration-preview-summary")).to_contain_text(
        "1 running instance of v1: 1 would migrate, 0 refused")
    expect(before.get_by_test_id(f"migration-plan-{waiting}")).to_contain_text("credit_approval")
    expect(before).not_to_contain_text("is not in version 2")
    screenshot(page, "pages-renamed-state-publish-preview")

    page.get_by_test_id("publish-confirm").click()
    offer = page.get_by_test_id("migrate-dialog")
    expect(offer.get_by_test_id("migrate-map-discount_approval")).to_have_value("credit_approval")
    expect(offer.get_by_test_id("migrate-renamed-discount_approval")).to_have_text(
        " renamed to credit_approval in this draft")
    expect(offer.get_by_test_id("migrate-preview-summary")).to_contain_text("1 would migrate, 0 refused")
    screenshot(page, "pages-renamed-state-migrate")
    offer.get_by_test_id("migrate-apply").click()
    expect(offer.get_by_test_id("migrate-result-summary")).to_contain_text("1 migrated, 0 refused")
    moved = server.api("GET", f"/api/instances/{waiting}", token=token)
    assert (moved["version"], moved["state"]) == (2, "credit_approval")


def _assessing(workflow_id: str) -> dict[str, Any]:
    """Three expressions write 'assess' as text: two on transitions between the same two states (told apart by
    their triggers) and one on the choice's way to the documents."""
    return {
        "id": workflow_id, "title": "Assessing", "initial": "assess",
        "context": {"type": "object", "properties": {"docs": {"type": "boolean"}}},
        "states": {"assess": {"type": "approval", "approvers": {"roles": ["legal"]}},
                   "decide": {"type": "choice"},
                   "wait_docs": {"type": "wait", "duration": "P1D"},
                   "done": {"type": "final", "outcome": "success"}},
        "transitions": [
            {"source": "assess", "trigger": "approve", "dest": "decide", "assign": {"last": "'assess'"}},
            {"source": "assess", "trigger": "reject", "dest": "decide", "assign": {"last": "'assess'"}},
            {"source": "decide", "dest": "wait_docs", "guard": "!context.docs", "priority": 1,
             "assign": {"back_to": "'assess'"}},
            {"source": "decide", "dest": "done"},
            {"source": "wait_docs", "trigger": "done", "dest": "assess"},
        ],
        "layout": {"assess": {"x": 0, "y": 0}, "decide": {"x": 0, "y": 160}, "wait_docs": {"x": 240, "y": 320},
                   "done": {"x": 0, "y": 480}},
    }


def test_the_rename_notice_names_transitions_as_the_canvas_draws_them(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": _assessing(f"assessing_{uuid.uuid4().hex[:8]}")},
                       token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    _rename(page, "assess", "review")
    notice = page.get_by_test_id("rename-notice")
    expect(notice).to_contain_text(
        "Renamed state 'assess' to 'review', also in 3 expressions that wrote “assess” as text: "
        "assignment 'last' of the transition review → decide on approve, "
        "assignment 'last' of the transition review → decide on reject and "
        "assignment 'back_to' of the transition decide → wait_docs.")
    expect(notice).not_to_contain_text("transition 3")
    screenshot(page, "pages-rename-notice-transition-ends")
