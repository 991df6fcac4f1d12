"""The publish dialog's list of changes tells a state renamed in the Inspector as a rename ("State kyc_check renamed
to kyc_screening"), listing only what really changed besides. It used to list "State kyc_screening added / State
kyc_check removed" and each of its transitions removed and added again, while the migration section of the same
dialog recognised the rename."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from browser_steps import SignIn, screenshot, select_state, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _onboarding(workflow_id: str) -> dict[str, Any]:
    return {
        "id": workflow_id, "title": "KYC onboarding", "initial": "collect_documents",
        "context": {"type": "object", "properties": {"lead": {"type": "object"}}},
        "states": {"collect_documents": {"type": "task", "action": "score_lead", "input": {"lead": "lead"}},
                   "kyc_check": {"type": "task", "action": "score_lead", "input": {"lead": "lead"},
                                 "title": "KYC check"},
                   "approved": {"type": "final", "outcome": "success"},
                   "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "collect_documents", "trigger": "done", "dest": "kyc_check"},
                        {"source": "collect_documents", "trigger": "error", "dest": "failed"},
                        {"source": "kyc_check", "trigger": "done", "dest": "approved"},
                        {"source": "kyc_check", "trigger": "error", "dest": "failed"}],
    }


def test_a_rename_is_listed_as_a_rename(server: LiveServer, sign_in: SignIn) -> None:
    workflow_id = f"kyc_{uuid.uuid4().hex[:8]}"
    token = server.token("analyst")
    first = server.api("POST", "/api/drafts", {"content": _onboarding(workflow_id)}, token=token)
    server.api("POST", f"/api/drafts/{first['id']}/publish", token=token)
    draft = server.api("POST", "/api/drafts", {"workflow_id": workflow_id}, token=token)

    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    select_state(page, "kyc_check")
    page.get_by_test_id("field-id").fill("kyc_screening")
    page.get_by_test_id("field-id").press("Enter")
    expect(state(page, "kyc_screening")).to_be_visible()
    select_state(page, "approved")
    page.get_by_test_id("field-title").fill("Onboarded")
    page.get_by_test_id("field-title").press("Enter")
    page.get_by_test_id("publish").click()

    changes = page.get_by_test_id("publish-diff")
    expect(changes.get_by_test_id("publish-renamed-kyc_check")).to_have_text("State kyc_check renamed to kyc_screening")
    expect(changes.get_by_test_id("publish-change-approved")).to_contain_text("title")
    expect(changes.locator("li.diff-added")).to_have_count(0)
    expect(changes.locator("li.diff-removed")).to_have_count(0)
    expect(changes).not_to_contain_text("Transition")
    screenshot(page, "publish-changes-rename")
