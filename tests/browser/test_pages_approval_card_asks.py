"""An approval card says what the request asks, and whose request it is. QA found cards of a discount request
showing only `customer Globex / tier enterprise / arr 250,000` — the first three facts of nine — with the amount
and its reason only in the opened request, and two cards word for word alike. A card now shows the request's facts
that fit on a line, up to six in the definition's order (a currency beside its amount, a long summary left to the
opened request), and which instance asks since when (its short id, as the instance list writes it)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SUMMARY = ("Exports time out again - we want a service credit from Globex (enterprise). Routed to the support squad "
           "on: time out, credit.")


def _discount_flow(workflow_id: str) -> dict[str, Any]:
    """The request of customer_escalation's discount authorisation: who asks first, then what they ask."""
    return {
        "id": workflow_id,
        "title": "Customer escalation (cards)",
        "initial": "discount_approval",
        "states": {
            "discount_approval": {
                "type": "approval", "title": "Discount authorisation",
                "approvers": {"roles": ["sales_manager"]}, "timeout": "PT48H",
                "request": {"customer": "customer.name", "tier": "customer.tier", "arr": "customer.arr",
                            "amount": "discount.amount", "currency": "discount.currency",
                            "reason": "discount.reason", "request": "subject", "summary": "summary",
                            "policy": "policy"},
            },
            "granted": {"type": "final", "outcome": "success"},
            "refused": {"type": "final", "outcome": "failure"},
        },
        "transitions": [{"source": "discount_approval", "trigger": "approve", "dest": "granted"},
                        {"source": "discount_approval", "trigger": "reject", "dest": "refused"},
                        {"source": "discount_approval", "trigger": "timeout", "dest": "refused"}],
    }


CONTEXT = {"customer": {"name": "Globex", "tier": "enterprise", "arr": 250000},
           "discount": {"amount": 5000, "currency": "USD", "reason": "Service credit for export timeouts"},
           "subject": "Exports time out again - we want a service credit", "summary": SUMMARY,
           "policy": "Discounts need a sales manager's authorisation"}


def _short(instance_id: str) -> str:
    return f"{instance_id[:8]}…{instance_id[-8:]}"


def test_a_card_shows_what_is_asked_and_which_instance_asks(server: LiveServer, sign_in: SignIn) -> None:
    workflow_id = f"cards_{uuid.uuid4().hex[:8]}"
    token = server.token("analyst")
    first = server.publish_and_start(_discount_flow(workflow_id), CONTEXT, token=token)
    second = server.api("POST", "/api/instances", {"workflow_id": workflow_id, "context": CONTEXT}, token=token)

    page = sign_in("approver")
    page.goto("/inbox")
    cards = page.get_by_test_id(f"approval-{workflow_id}")
    expect(cards).to_have_count(2)
    for card in (cards.nth(0), cards.nth(1)):
        facts = card.get_by_test_id("card-facts")
        expect(facts.locator("dt")).to_have_text(["customer", "tier", "arr", "amount", "reason", "request"])
        expect(facts.locator("dd")).to_have_text(["Globex", "enterprise", "250,000", "5,000 USD",
                                                  "Service credit for export timeouts",
                                                  "Exports time out again - we want a service credit"])
        expect(facts).not_to_contain_text("Routed to the support squad")  # a long text: in the opened request
        expect(card.get_by_test_id("card-asked")).to_contain_text("asked less than a minute ago")
    # Two requests alike in every fact are told apart by their instances.
    shown = [cards.nth(i).get_by_test_id("card-instance").inner_text() for i in range(2)]
    assert sorted(shown) == sorted([_short(first["id"]), _short(second["id"])]), shown
    assert cards.nth(0).get_by_test_id("card-instance").get_attribute("title") in (first["id"], second["id"])
    screenshot(page, "pages-approval-card-asks")

    # Opened: every fact, and the instance the same short way (ids started together share their first digits).
    cards.nth(0).click()
    detail = page.get_by_test_id("approval-detail")
    expect(page.get_by_test_id("approval-request")).to_contain_text("Routed to the support squad")
    expect(detail).to_contain_text(shown[0])
    expect(detail).to_contain_text("asked less than a minute ago")
