"""An approver with more decisions than a page: the "My decisions" tab showed the newest 100, with no count and no
way to the older ones. It now says how many there are in its label and how many of them are shown, and "Show
more" reads the page after the last decision shown — so decisions taken meanwhile (they come in on top, by
themselves) neither repeat a row nor hide one, and every decision is reached once, newest first."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import PASSWORD, LiveServer
from live_server import TestUser as Account  # not collected as a test class
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DECISIONS = 205  # two full pages and five on a third


def _review_flow(workflow_id: str, approver: str) -> dict[str, Any]:
    """One request for `approver` alone (no one else's inbox or decisions change)."""
    return {
        "id": workflow_id, "title": "Expense check", "initial": "review",
        "states": {"review": {"type": "approval", "approvers": {"users": [approver]}},
                   "paid": {"type": "final", "outcome": "success"},
                   "refused": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "review", "trigger": "approve", "dest": "paid"},
                        {"source": "review", "trigger": "reject", "dest": "refused"}],
    }


class Requests:
    """Requests of one workflow, started by the analyst and decided by the approver through the API."""

    def __init__(self, server: LiveServer, workflow_id: str, approver: str) -> None:
        self.server, self.workflow_id = server, workflow_id
        self.analyst, self.approver = server.token("analyst"), server.token(approver)

    def decide(self, count: int) -> list[int]:
        """`count` requests started and approved, in that order: their approvals' ids."""
        for _ in range(count):
            self.server.api("POST", "/api/instances", {"workflow_id": self.workflow_id, "context": {}},
                            token=self.analyst)
        waiting = self.server.api("GET", f"/api/approvals?workflow={self.workflow_id}&limit=500",
                                  token=self.approver)["items"]
        assert len(waiting) == count
        for request in waiting:
            self.server.api("POST", f"/api/approvals/{request['id']}/decision", {"decision": "approve"},
                            token=self.approver)
        return [request["id"] for request in waiting]


def _shown(page: Page) -> list[int]:
    rows = page.get_by_test_id("decision-row")
    return [int(i) for i in rows.evaluate_all("rows => rows.map(r => r.dataset.approvalId)")]


def test_every_decision_is_reached_once_while_more_are_taken(server: LiveServer, sign_in: SignIn) -> None:
    name = f"dee{uuid.uuid4().hex[:6]}"
    server.api("POST", "/api/users", {"username": name, "password": PASSWORD, "roles": ["approver"],
                                      "approver_roles": [], "display_name": "Dee Decider"},
               token=server.token("admin"))
    server.users[name] = Account(name, ("approver",), (), "Dee Decider")
    workflow_id = f"expenses_{uuid.uuid4().hex[:8]}"
    draft = server.api("POST", "/api/drafts", {"content": _review_flow(workflow_id, name)},
                       token=server.token("analyst"))
    server.api("POST", f"/api/drafts/{draft['id']}/publish", {"confirm_replace": True},
               token=server.token("analyst"))
    requests = Requests(server, workflow_id, name)
    decided = requests.decide(DECISIONS)

    page = sign_in(name)
    page.goto("/inbox")
    tab = page.get_by_test_id("tab-decisions")
    expect(tab).to_have_text(f"My decisions ({DECISIONS})")
    tab.click()
    rows = page.get_by_test_id("decision-row")
    expect(rows).to_have_count(100)
    more = page.get_by_test_id("decisions-more")
    expect(more).to_contain_text(f"The newest 100 of {DECISIONS} decisions are shown.")
    expect(page.get_by_test_id("decisions-show-more")).to_have_text("Show 100 more")
    screenshot(page, "decisions-first-page")

    later = requests.decide(3)  # taken after the first page was read: they come in on top
    expect(tab).to_have_text(f"My decisions ({DECISIONS + 3})")
    expect(rows).to_have_count(103)
    page.get_by_test_id("decisions-show-more").click()
    expect(rows).to_have_count(203)
    expect(page.get_by_test_id("decisions-show-more")).to_have_text("Show 5 more")
    page.get_by_test_id("decisions-show-more").click()
    expect(rows).to_have_count(DECISIONS + 3)
    expect(more).to_have_count(0)

    shown = _shown(page)
    assert len(set(shown)) == len(shown)  # none twice
    newest_first = [*later[::-1], *decided[::-1]]  # each approved right after the one before it
    assert shown == newest_first
