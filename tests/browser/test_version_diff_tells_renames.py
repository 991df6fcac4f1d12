"""The Versions and differences tab tells a state renamed between two versions as a rename ("States renamed:
kyc_check → kyc_screening"), the rule the publish dialog uses: not a state removed and another added, nor the
transitions that only followed the new id; on the canvas the renamed state is marked changed, not added."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _onboarding(workflow_id: str, check: str) -> dict[str, Any]:
    return {
        "id": workflow_id, "title": "KYC onboarding", "initial": "collect_documents",
        "context": {"type": "object", "properties": {"lead": {"type": "object"}}},
        "states": {"collect_documents": {"type": "task", "action": "score_lead", "input": {"lead": "lead"}},
                   check: {"type": "task", "action": "score_lead", "input": {"lead": "lead"}, "title": "KYC check"},
                   "approved": {"type": "final", "outcome": "success"},
                   "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "collect_documents", "trigger": "done", "dest": check},
                        {"source": "collect_documents", "trigger": "error", "dest": "failed"},
                        {"source": check, "trigger": "done", "dest": "approved"},
                        {"source": check, "trigger": "error", "dest": "failed"}],
    }


def test_the_versions_tab_tells_a_rename(server: LiveServer, sign_in: SignIn) -> None:
    workflow_id = f"kyc_{uuid.uuid4().hex[:8]}"
    token = server.token("analyst")
    first = server.api("POST", "/api/drafts", {"content": _onboarding(workflow_id, "kyc_check")}, token=token)
    server.api("POST", f"/api/drafts/{first['id']}/publish", token=token)
    draft = server.api("POST", "/api/drafts", {"workflow_id": workflow_id}, token=token)
    server.api("PUT", f"/api/drafts/{draft['id']}", {"content": _onboarding(workflow_id, "kyc_screening")}, token=token)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", token=token)
    diff = server.api("GET", f"/api/definitions/{workflow_id}/diff?from=1&to=2", token=token)
    assert diff["states"]["renamed"] == {"kyc_check": "kyc_screening"}

    page = sign_in("analyst")
    page.get_by_test_id("nav-definitions").click()
    page.get_by_test_id(f"open-definition-{workflow_id}").click()
    expect(page.get_by_test_id("version-select")).to_have_value("2")
    page.get_by_test_id("tab-versions").click()

    summary = page.get_by_test_id("diff-summary")
    expect(summary).to_contain_text("v1 → v2")
    expect(summary.get_by_test_id("diff-renamed")).to_have_text("States renamed: kyc_check → kyc_screening")
    expect(summary.locator(".diff-list").first).to_have_attribute("data-testid", "diff-renamed")
    expect(summary).not_to_contain_text("States added")
    expect(summary).not_to_contain_text("States removed")
    expect(summary).not_to_contain_text("Transitions")
    canvas = page.get_by_test_id("diff-canvas")
    expect(canvas.get_by_test_id("state-kyc_screening")).to_have_attribute("data-mark", "changed")
    expect(canvas.get_by_test_id("state-kyc_check")).to_have_count(0)
    expect(canvas.locator('[data-mark="added"].transition-label')).to_have_count(0)
    expect(canvas.locator('[data-mark="removed"].transition-label')).to_have_count(0)
    screenshot(page, "version-diff-rename")
