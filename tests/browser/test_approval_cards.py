"""An approval card says enough to decide from the inbox list: the workflow's and the state's titles, the
request's key facts, when it is due (in words and as a date), the quorum, and who else decided and why. A comment
longer than the server keeps is said so under the comment, before deciding (the decision failed with the
server's "Validation failed for POST /api/approvals/7/decision: body comment: String should have at most …")."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from browser_steps import SignIn
from docs_screens import save_doc_screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _discount_flow(workflow_id: str) -> dict[str, Any]:
    return {
        "id": workflow_id,
        "title": "Discount approval",
        "initial": "review",
        "context": {"type": "object", "properties": {"customer": {"type": "string"}, "discount": {"type": "number"}}},
        "states": {
            "review": {
                "type": "approval",
                "title": "Two managers agree the discount",
                "approvers": {"roles": ["sales_manager", "support_lead"]},
                "quorum": 2,
                "timeout": "PT48H",
                "request": {"customer": "context.customer", "discount_percent": "context.discount"},
            },
            "granted": {"type": "final", "outcome": "success"},
            "refused": {"type": "final", "outcome": "failure"},
        },
        "transitions": [
            {"source": "review", "trigger": "approve", "dest": "granted"},
            {"source": "review", "trigger": "reject", "dest": "refused"},
            {"source": "review", "trigger": "timeout", "dest": "refused"},
        ],
    }


def test_a_card_shows_titles_facts_due_time_quorum_and_the_other_decisions(
    server: LiveServer, sign_in: SignIn
) -> None:
    workflow_id = f"discount_{uuid.uuid4().hex[:8]}"
    analyst = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": _discount_flow(workflow_id)}, token=analyst)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", {"confirm_replace": True}, token=analyst)
    run = server.api("POST", "/api/instances", {"workflow_id": workflow_id,
                                                 "context": {"customer": "Acme GmbH", "discount": 15}}, token=analyst)
    otto = server.token("other_approver")
    [request] = server.api("GET", f"/api/approvals?instance={run['id']}", token=otto)["items"]
    server.api("POST", f"/api/approvals/{request['id']}/decision",
               {"decision": "approve", "comment": "Fine for a two-year contract"}, token=otto)

    page = sign_in("approver")
    page.goto("/inbox")
    card = page.get_by_test_id(f"approval-{workflow_id}")
    expect(card).to_be_visible()
    expect(card.get_by_test_id("card-title")).to_have_text("Two managers agree the discount")
    expect(card.get_by_test_id("card-workflow")).to_contain_text("Discount approval")
    facts = card.get_by_test_id("card-facts")
    expect(facts).to_contain_text("customer")
    expect(facts).to_contain_text("Acme GmbH")
    expect(facts).to_contain_text("discount percent")
    expect(facts).to_contain_text("15")
    # Due in 48 hours: said in words, and as a date.
    expect(card.get_by_test_id("card-due")).to_contain_text(re.compile(r"due in (47 h|48 h|2 days) \(.*2\d{3}.*\)"))
    expect(card.get_by_test_id("card-quorum")).to_have_text("1 of 2 approvals")
    expect(card.get_by_test_id("card-decisions")).to_contain_text("otto: approved — “Fine for a two-year contract”")
    save_doc_screenshot(page, "designer-approval-card")

    # Deciding from there: the second approval meets the quorum and the request leaves the inbox.
    card.click()
    expect(page.get_by_test_id("approval-title")).to_have_text("Two managers agree the discount")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id(f"approval-{workflow_id}")).to_have_count(0)
    finished = server.api("GET", f"/api/instances/{run['id']}", token=analyst)
    assert finished["state"] == "granted"


def _asked_again_flow(workflow_id: str) -> dict[str, Any]:
    """A review whose requester sends a revised offer again and again (each a transition) until it is decided."""
    return {
        "id": workflow_id,
        "title": "Asked again",
        "initial": "review",
        "states": {
            "review": {"type": "approval", "title": "Agree the revised offer",
                       "approvers": {"roles": ["sales_manager"]}},
            "agreed": {"type": "final", "outcome": "success"},
            "refused": {"type": "final", "outcome": "failure"},
        },
        "transitions": [
            {"source": "review", "trigger": "revise", "dest": "review"},
            {"source": "review", "trigger": "approve", "dest": "agreed"},
            {"source": "review", "trigger": "reject", "dest": "refused"},
        ],
    }


def test_a_long_history_in_the_detail_says_it_is_cut_and_links_to_the_instance_monitor(
    server: LiveServer, sign_in: SignIn
) -> None:
    """The detail shows the latest 50 transitions; with 312 it says so, and where the rest are."""
    workflow_id = f"asked_{uuid.uuid4().hex[:8]}"
    analyst = server.token("analyst")
    run = server.publish_and_start(_asked_again_flow(workflow_id), {}, token=analyst)
    for _ in range(311):  # 312 transitions with the start
        server.api("POST", f"/api/instances/{run['id']}/events", {"event": "revise"}, token=analyst)

    page = sign_in("approver")
    page.goto("/inbox")
    page.get_by_test_id(f"approval-{workflow_id}").click()
    history = page.get_by_test_id("approval-history")
    history.locator("summary").click()
    cut = history.get_by_test_id("approval-history-cut")
    expect(cut).to_have_text("Latest 50 of 312 transitions — see the full history in the instance monitor.")
    expect(history.get_by_test_id("timeline").locator("tbody tr")).to_have_count(50)
    expect(history.get_by_test_id("timeline-row-312")).to_be_visible()
    cut.scroll_into_view_if_needed()
    save_doc_screenshot(page, "designer-approval-history-cut")
    cut.get_by_role("link", name="instance monitor").click()
    expect(page).to_have_url(re.compile(f"/instances/{run['id']}$"))
    expect(page.get_by_test_id("timeline").locator("tbody tr")).to_have_count(312)


def test_a_short_history_in_the_detail_is_shown_whole_without_a_note(server: LiveServer, sign_in: SignIn) -> None:
    workflow_id = f"asked_{uuid.uuid4().hex[:8]}"
    run = server.publish_and_start(_asked_again_flow(workflow_id), {}, token=server.token("analyst"))
    page = sign_in("approver")
    page.goto("/inbox")
    page.get_by_test_id(f"approval-{workflow_id}").click()
    history = page.get_by_test_id("approval-history")
    history.locator("summary").click()
    expect(history.get_by_test_id("timeline-row-1")).to_be_visible()
    expect(history.get_by_test_id("approval-history-cut")).to_have_count(0)
    assert run["state"] == "review"


def test_a_comment_too_long_to_keep_is_said_before_deciding(server: LiveServer, sign_in: SignIn) -> None:
    workflow_id = f"long_comment_{uuid.uuid4().hex[:8]}"
    flow = _discount_flow(workflow_id)
    # one approver's decision closes it: nothing is left waiting in another test's inbox
    flow["states"]["review"] = {**flow["states"]["review"], "approvers": {"roles": ["sales_manager"]}, "quorum": 1}
    run = server.publish_and_start(flow, {"customer": "Åsa Ltd", "discount": 5}, token=server.token("analyst"))
    page = sign_in("approver")
    page.goto("/inbox")
    page.get_by_test_id(f"approval-{workflow_id}").click()
    comment = page.get_by_test_id("decision-comment")
    comment.fill("Grund: " + "ü" * 3993 + "😀")  # 4,001 characters (the emoji counts once)
    expect(page.get_by_test_id("decision-comment-problem")).to_have_text(
        "A comment has at most 4,000 characters; this one has 4,001.")
    expect(page.get_by_test_id("approve")).to_be_disabled()
    expect(page.get_by_test_id("reject")).to_be_disabled()

    comment.fill("Grund: " + "ü" * 3992 + "😀")  # 4,000: kept whole
    expect(page.get_by_test_id("decision-comment-problem")).to_have_count(0)
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("inbox-message")).to_contain_text("Approved")
    [decided] = server.api("GET", f"/api/approvals?instance={run['id']}&status=decided",
                           token=server.token("approver"))["items"]
    detail = server.api("GET", f"/api/approvals/{decided['id']}", token=server.token("approver"))
    assert detail["decisions"][0]["comment"].endswith("ü😀")


def _amount_flow(workflow_id: str) -> dict[str, Any]:
    flow = _discount_flow(workflow_id)
    flow["context"] = {"type": "object", "properties": {
        "vendor": {"type": "string"}, "risk": {"type": "integer"}, "amount": {"type": "number"},
        "vendor_id": {"type": "integer"}}}
    flow["states"]["review"] = {**flow["states"]["review"], "approvers": {"roles": ["sales_manager"]}, "quorum": 1,
                                "request": {"vendor": "context.vendor", "risk": "context.risk",
                                            "amount": "context.amount", "vendor_id": "context.vendor_id"}}
    return flow


def _open_amount_card(server: LiveServer, sign_in: SignIn) -> tuple[Any, str]:
    workflow_id = f"amount_{uuid.uuid4().hex[:8]}"
    analyst = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": _amount_flow(workflow_id)}, token=analyst)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", {"confirm_replace": True}, token=analyst)
    server.api("POST", "/api/instances", {"workflow_id": workflow_id, "context": {
        "vendor": "Shady", "risk": 90, "amount": 50000, "vendor_id": 12345}}, token=analyst)
    page = sign_in("approver")
    page.goto("/inbox")
    return page, workflow_id


def test_a_request_s_amounts_are_written_with_their_digits_grouped(server: LiveServer, sign_in: SignIn) -> None:
    """50000 reads as 50,000 (in the reader's locale) on the card and in the detail; an id keeps its digits."""
    page, workflow_id = _open_amount_card(server, sign_in)
    card = page.get_by_test_id(f"approval-{workflow_id}")
    facts = card.get_by_test_id("card-facts")
    expect(facts).to_contain_text("50,000")
    card.click()
    detail = page.get_by_test_id("approval-request")
    expect(detail).to_contain_text("50,000")
    expect(detail).to_contain_text("12345")
    expect(detail).to_contain_text("90")


def test_a_request_s_facts_keep_the_order_the_definition_gives_them(server: LiveServer, sign_in: SignIn) -> None:
    page, workflow_id = _open_amount_card(server, sign_in)
    facts = page.get_by_test_id(f"approval-{workflow_id}").get_by_test_id("card-facts").locator("dt")
    expect(facts).to_have_text(["vendor", "risk", "amount", "vendor id"], timeout=3000)
