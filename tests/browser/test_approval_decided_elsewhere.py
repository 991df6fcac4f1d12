"""A request decided elsewhere — in another tab, or by another approver — is shown as decided in this tab too: who
decided and what, with its Approve and Reject buttons gone. They stayed, and pressing one answered with the
engine's "event 'approve' is not allowed in state 'review': the approval is approved"; a press that still races
another decision is now told plainly that the request was decided already, and by whom."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _either_may_decide(workflow_id: str) -> dict[str, Any]:
    return {
        "id": workflow_id,
        "title": "Refund approval",
        "initial": "review",
        "states": {
            "review": {"type": "approval", "title": "Approve the refund",
                       "approvers": {"roles": ["sales_manager", "support_lead"]}},
            "refunded": {"type": "final", "outcome": "success"},
            "refused": {"type": "final", "outcome": "failure"},
        },
        "transitions": [
            {"source": "review", "trigger": "approve", "dest": "refunded"},
            {"source": "review", "trigger": "reject", "dest": "refused"},
        ],
    }


def _open_request(server: LiveServer, sign_in: SignIn) -> tuple[Page, int]:
    """Sam's inbox with a new refund request open, and the request's id."""
    workflow_id = f"refund_{uuid.uuid4().hex[:8]}"
    run = server.publish_and_start(_either_may_decide(workflow_id), {}, token=server.token("analyst"))
    [request] = server.api("GET", f"/api/approvals?instance={run['id']}", token=server.token("approver"))["items"]
    page = sign_in("approver")
    page.goto("/inbox")
    page.get_by_test_id(f"approval-{workflow_id}").click()
    expect(page.get_by_test_id("approve")).to_be_enabled()
    return page, request["id"]


def test_a_request_decided_by_someone_else_shows_who_decided_without_buttons(
    server: LiveServer, sign_in: SignIn
) -> None:
    page, approval_id = _open_request(server, sign_in)
    server.api("POST", f"/api/approvals/{approval_id}/decision", {"decision": "approve", "comment": "ok"},
               token=server.token("other_approver"))
    # Coming back to the tab (as from another one) shows it as it is now.
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    closed = page.get_by_test_id("approval-closed")
    expect(closed).to_contain_text("This request is decided: approved by otto")
    expect(closed).to_contain_text("It takes no more decisions.")
    expect(page.get_by_test_id("approve")).to_have_count(0)
    expect(page.get_by_test_id("reject")).to_have_count(0)
    expect(page.get_by_test_id("approval-detail")).to_contain_text("otto: approve — “ok”")
    screenshot(page, "approval-decided-elsewhere")


def test_pressing_approve_on_a_request_just_decided_says_so_plainly(server: LiveServer, sign_in: SignIn) -> None:
    page, approval_id = _open_request(server, sign_in)
    # Otto decides, and Sam presses Approve before his tab has heard of it (the page cannot have reloaded between
    # the two: the press follows Otto's answer in the same task).
    page.evaluate(
        """async ([id, token]) => {
            const answer = await fetch(`/api/approvals/${id}/decision`, {
                method: "POST", credentials: "omit",
                headers: {"Content-Type": "application/json", Authorization: `Bearer ${token}`},
                body: JSON.stringify({decision: "reject", comment: "not this time"}),
            });
            if (!answer.ok) throw new Error(`otto's decision: ${answer.status}`);
            document.querySelector('[data-testid="approve"]').click();
        }""",
        [approval_id, server.token("other_approver")],
    )
    expect(page.get_by_test_id("decision-error")).to_have_text(
        "This request was decided already: rejected by otto. Your decision was not recorded.")
    expect(page.get_by_test_id("approval-closed")).to_contain_text("This request is decided: rejected by otto")
    expect(page.get_by_test_id("approve")).to_have_count(0)
    screenshot(page, "approval-decided-while-pressing")
    assert server.api("GET", f"/api/approvals/{approval_id}", token=server.token("approver"))["status"] == "rejected"
