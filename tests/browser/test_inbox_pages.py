"""An inbox with more requests than one page: it said "Waiting for me (500)" and showed the oldest 100, with no
way to reach the rest until those were decided. It now says how many of how many are shown, and "Show more"
loads the next ones."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from browser_steps import SignIn
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

REQUESTS = 105


def _review_flow(workflow_id: str) -> dict[str, Any]:
    return {
        "id": workflow_id, "title": "Many reviews", "initial": "review",
        "states": {"review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}, "timeout": "PT48H"},
                   "done": {"type": "final"}},
        "transitions": [{"source": "review", "trigger": "approve", "dest": "done"},
                        {"source": "review", "trigger": "reject", "dest": "done"},
                        {"source": "review", "trigger": "timeout", "dest": "done"}],
    }


def test_more_requests_than_a_page_are_all_reachable(server: LiveServer, sign_in: SignIn) -> None:
    workflow_id = f"many_reviews_{uuid.uuid4().hex[:8]}"
    analyst = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": _review_flow(workflow_id)}, token=analyst)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", {"confirm_replace": True}, token=analyst)
    runs = [server.api("POST", "/api/instances", {"workflow_id": workflow_id, "context": {}}, token=analyst)["id"]
            for _ in range(REQUESTS)]
    try:
        total = server.api("GET", "/api/approvals?status=pending&limit=1", token=server.token("approver"))["total"]
        assert total >= REQUESTS
        page = sign_in("approver")
        page.goto("/inbox")
        cards = page.locator("[data-approval-id]")
        expect(cards).to_have_count(100)
        expect(page.get_by_test_id("inbox-more")).to_contain_text(f"The oldest 100 of {total:,} requests are shown")
        page.get_by_test_id("inbox-show-more").click()
        expect(cards).to_have_count(min(total, 200))
        expect(page.get_by_test_id(f"approval-{workflow_id}")).to_have_count(REQUESTS)
    finally:  # the live server is shared: leave no 105 older requests ahead of the other tests' cards
        for run in runs:
            server.api("POST", f"/api/instances/{run}/cancel", {}, token=analyst)
