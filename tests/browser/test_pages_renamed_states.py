"""A state renamed in the designer (its Id in the Inspector), as QA found it: the rename notice named a transition
by a number no one sees ("assignment 'back_to' of transition 23"), and publishing the draft did not use the rename
— the migration preview refused the instances waiting in the old state ("the state 'discount_approval' is not in
version 2; map it to one of its states") and the offer to migrate after left them on v1. Now the notice names
the transition by its ends, as the canvas draws it, and the old state is mapped to its new id before anyone
asks, in the preview and in the migration after publishing."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from browser_steps import SignIn, paste_json, screenshot, select_state, state
from live_server import LiveServer
from playwright.sync_api import Page, expect

from definitions import WORKFLOWS_DIR

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


ESCALATION = json.loads((Path(WORKFLOWS_DIR) / "customer_escalation.json").read_text(encoding="utf-8"))


def _discount_as_in_the_file(workflow_id: str) -> dict[str, Any]:
    """customer_escalation's discount approval as the file writes it — without the defaults the published version
    has written out (`policies: []`, `approvers.users: []`, `escalation.to.users: []`) — waiting first."""
    return {
        "id": workflow_id, "title": "Discount (as in the file)", "initial": "discount_approval",
        "states": {"discount_approval": copy.deepcopy(ESCALATION["states"]["discount_approval"]),
                   "granted": {"type": "final", "outcome": "success"},
                   "refused": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "discount_approval", "trigger": "approve", "dest": "granted"},
                        {"source": "discount_approval", "trigger": "reject", "dest": "refused"},
                        {"source": "discount_approval", "trigger": "timeout", "dest": "refused"}],
        "layout": {"discount_approval": {"x": 0, "y": 0}, "granted": {"x": -120, "y": 160},
                   "refused": {"x": 120, "y": 160}},
    }


def _renamed_in_the_file(flow: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """The file with the state `old` called `new` everywhere (states, initial, transitions, layout), as a person
    edits the JSON before pasting or importing it."""
    return json.loads(json.dumps(flow).replace(f'"{old}"', f'"{new}"'))


def _published_with_one_waiting(server: LiveServer, flow: dict[str, Any], token: str) -> str:
    waiting = server.publish_and_start(flow, {}, token=token)["id"]
    assert server.api("GET", f"/api/instances/{waiting}", token=token)["state"] == "discount_approval"
    published = server.api("GET", f"/api/definitions/{flow['id']}/versions/1", token=token)["definition"]
    assert published["states"]["discount_approval"]["approvers"]["users"] == []  # the defaults, written out
    return waiting


def _publish_takes_the_rename_along(page: Page, server: LiveServer, waiting: str, token: str) -> None:
    page.get_by_test_id("publish").click()
    before = page.get_by_test_id("publish-migration")
    expect(before.get_by_test_id("publish-renames")).to_have_text(
        "Renamed in this draft, so their instances are mapped to the new id: discount_approval → credit_approval.")
    expect(before.get_by_test_id("publish-migration-preview-summary")).to_contain_text(
        "1 running instance of v1: 1 would migrate, 0 refused")
    expect(before).not_to_contain_text("is not in version 2")
    page.get_by_test_id("publish-confirm").click()
    offer = page.get_by_test_id("migrate-dialog")
    expect(offer.get_by_test_id("migrate-map-discount_approval")).to_have_value("credit_approval")
    offer.get_by_test_id("migrate-apply").click()
    expect(offer.get_by_test_id("migrate-result-summary")).to_contain_text("1 migrated, 0 refused")
    moved = server.api("GET", f"/api/instances/{waiting}", token=token)
    assert (moved["version"], moved["state"]) == (2, "credit_approval")


def test_a_state_renamed_in_a_file_posted_as_the_draft_takes_its_instances_along(
        server: LiveServer, sign_in: SignIn) -> None:
    """As QA found it: the draft's content is the file (POST /api/drafts with `content` and `base_version`); it
    was compared with the published version's defaults written out, so the rename was never recognised."""
    flow = _discount_as_in_the_file(f"file_renamed_{uuid.uuid4().hex[:8]}")
    token = server.token("analyst")
    waiting = _published_with_one_waiting(server, flow, token)
    content = _renamed_in_the_file(flow, "discount_approval", "credit_approval")
    draft = server.api("POST", "/api/drafts", {"content": content, "base_version": 1}, token=token)

    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "credit_approval")).to_be_visible()
    _publish_takes_the_rename_along(page, server, waiting, token)
    screenshot(page, "pages-renamed-state-from-a-file")


def test_a_state_renamed_in_json_pasted_into_the_draft_takes_its_instances_along(
        server: LiveServer, sign_in: SignIn) -> None:
    """The file, renamed, pasted over a draft copied from the version (the JSON view): the same."""
    flow = _discount_as_in_the_file(f"pasted_renamed_{uuid.uuid4().hex[:8]}")
    token = server.token("analyst")
    waiting = _published_with_one_waiting(server, flow, token)
    draft = server.api("POST", "/api/drafts", {"workflow_id": flow["id"]}, token=token)

    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    page.get_by_test_id("view-json").click()
    paste_json(page, json.dumps(_renamed_in_the_file(flow, "discount_approval", "credit_approval"), indent=2))
    page.get_by_test_id("view-diagram").click()
    expect(state(page, "credit_approval")).to_be_visible()
    _publish_takes_the_rename_along(page, server, waiting, token)


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
