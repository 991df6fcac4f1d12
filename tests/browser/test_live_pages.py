"""Live pages: the instance monitor, the instance list, the approvals inbox and its badge follow what happens
elsewhere (server-sent events) without Refresh; and the "Send an event" panel offers only the events the
instance takes from a caller."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from browser_steps import SignIn, screenshot, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FLOW: dict[str, Any] = {
    "id": "purchase_review",
    "title": "Purchase review",
    "initial": "review",
    "states": {
        "review": {"type": "approval", "title": "Manager review", "approvers": {"roles": ["sales_manager"]},
                   "timeout": "PT48H", "request": {"item": "item"}},
        "bought": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
        "withdrawn": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "review", "trigger": "approve", "dest": "bought"},
        {"source": "review", "trigger": "reject", "dest": "refused"},
        {"source": "review", "trigger": "timeout", "dest": "refused"},
        {"source": "review", "trigger": "withdraw", "dest": "withdrawn"},
    ],
    "context": {"type": "object", "properties": {"item": {"type": "string"}}},
}


@pytest.fixture(scope="module")
def deployed(server: LiveServer) -> str:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": copy.deepcopy(FLOW)}, token=token)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", {"confirm_replace": True}, token=token)
    return str(FLOW["id"])


def _start(server: LiveServer, item: str) -> dict[str, Any]:
    body = {"workflow_id": "purchase_review", "context": {"item": item}}
    started: dict[str, Any] = server.api("POST", "/api/instances", body, token=server.token("analyst"))
    return started


def _approval_of(server: LiveServer, instance_id: str) -> int:
    token = server.token("approver")
    pending = server.api("GET", "/api/approvals?status=pending&workflow=purchase_review&limit=100", token=token)
    return int(next(a["id"] for a in pending["items"] if a["instance_id"] == instance_id))


def _pending_for_approver(server: LiveServer) -> int:
    pending = server.api("GET", "/api/approvals?status=pending&limit=1", token=server.token("approver"))
    return int(pending["total"])


def test_the_monitor_moves_on_when_someone_else_approves(sign_in: SignIn, server: LiveServer, deployed: str) -> None:
    run = _start(server, "a standing desk")
    analyst = sign_in("analyst")
    analyst.goto(f"/instances/{run['id']}")
    expect(analyst.get_by_test_id("instance-state")).to_have_text("review")
    expect(state(analyst, "review")).to_have_attribute("data-mark", "current")
    expect(analyst.locator("html[data-live='stream']")).to_have_count(1)  # the change stream is connected

    approval = _approval_of(server, run["id"])
    decision = {"decision": "approve", "comment": "fine"}
    server.api("POST", f"/api/approvals/{approval}/decision", decision, token=server.token("approver"))
    # No Refresh pressed: the page follows the change notice.
    expect(analyst.get_by_test_id("instance-status")).to_have_text("succeeded")
    expect(analyst.get_by_test_id("instance-state")).to_have_text("bought")
    expect(analyst.get_by_test_id("timeline")).to_contain_text("sam")
    screenshot(analyst, "live-monitor-after-approval")


def test_the_inbox_and_its_badge_follow_new_and_decided_requests(
    sign_in: SignIn, server: LiveServer, deployed: str
) -> None:
    approver = sign_in("approver")
    approver.get_by_test_id("nav-inbox").click()
    expect(approver.get_by_test_id("inbox-page")).to_be_visible()
    expect(approver.get_by_test_id("tab-pending")).not_to_contain_text("…")
    before = approver.get_by_test_id(f"approval-{deployed}").count()
    badge = approver.get_by_test_id("inbox-count")
    waiting = _pending_for_approver(server)  # the demo seeds requests of other flows too
    if waiting:  # the badge loads on its own; read the count it must show from the API, not from the badge
        expect(badge).to_have_text(str(waiting))
    run = _start(server, "a second monitor")
    expect(approver.get_by_test_id(f"approval-{deployed}")).to_have_count(before + 1)
    expect(badge).to_have_text(str(waiting + 1))

    server.api("POST", f"/api/instances/{run['id']}/cancel", token=server.token("analyst"))
    expect(approver.get_by_test_id(f"approval-{deployed}")).to_have_count(before)
    if waiting == 0:
        expect(badge).to_have_count(0)
    else:
        expect(badge).to_have_text(str(waiting))


def test_the_instance_list_shows_a_new_instance_by_itself(sign_in: SignIn, server: LiveServer, deployed: str) -> None:
    analyst = sign_in("analyst")
    analyst.goto(f"/instances?workflow={deployed}")
    run = _start(server, "a lamp")
    expect(analyst.get_by_test_id(f"instance-row-{run['id']}")).to_be_visible()


def test_send_an_event_offers_only_what_the_instance_takes_from_a_caller(
    sign_in: SignIn, server: LiveServer, deployed: str
) -> None:
    run = _start(server, "a chair")
    analyst = sign_in("analyst")
    analyst.goto(f"/instances/{run['id']}")
    expect(analyst.get_by_test_id("instance-state")).to_have_text("review")
    options = analyst.get_by_test_id("op-event").locator("option")
    expect(options).to_have_text(["withdraw"])  # not approve, reject or timeout: the runtime fires those
    screenshot(analyst, "send-event-offers-withdraw-only")
    analyst.get_by_test_id("op-send").click()
    expect(analyst.get_by_test_id("instance-state")).to_have_text("withdrawn")
    expect(analyst.get_by_test_id("operate")).to_have_count(0)
