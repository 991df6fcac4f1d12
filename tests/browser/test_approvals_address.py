"""The nav calls the inbox "Approvals", so people write `/approvals` (a bookmark, a link in a message): that
address answered "Page not found". It lands on the inbox now — the address becomes /inbox, and Back does not
return to the address that only sent the person on."""

from __future__ import annotations

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("address", ["/approvals", "/approvals/", "/approvals/12"])
def test_the_approvals_address_lands_on_the_inbox(server: LiveServer, sign_in: SignIn, address: str) -> None:
    page = sign_in("approver")
    page.goto(address)
    expect(page.get_by_test_id("inbox-page")).to_be_visible()
    expect(page).to_have_url(f"{server.url}/inbox")
    expect(page.get_by_test_id("nav-inbox")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Page not found")).to_have_count(0)
    if address == "/approvals":
        screenshot(page, "approvals-address-lands-on-inbox")


def test_the_links_a_notice_carries_lead_to_pages(server: LiveServer, sign_in: SignIn) -> None:
    """A notice's links (engine/runtime/notice_jobs.py): `<designer>/instances/<id>` and `<designer>/inbox`."""
    token = server.token("analyst")
    flow = {"id": "notice_links_check", "title": "Notice links", "initial": "review",
            "states": {"review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}},
                       "done": {"type": "final"}},
            "transitions": [{"source": "review", "trigger": "approve", "dest": "done"},
                            {"source": "review", "trigger": "reject", "dest": "done"}]}
    started = server.publish_and_start(flow, {}, token=token)
    page = sign_in("approver")
    page.goto(f"/instances/{started['id']}")
    expect(page.get_by_test_id("instance-page")).to_be_visible()
    page.goto("/inbox")
    expect(page.get_by_test_id("inbox-page")).to_be_visible()
