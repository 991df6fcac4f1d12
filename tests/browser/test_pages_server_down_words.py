"""The draft editor while the server is down, as QA found it: the Problems panel still showed a green "0 errors
0 warnings" beside "Validation is unavailable: The server cannot be reached (Failed to fetch)." — counts of a check
that did not happen — and Save said "The draft was not saved: The server cannot be reached (Failed to fetch)."
Now the panel says the flow is not checked, with no counts, and Save says in plain words that the changes are
kept in this tab and to save again once the server is back; both without the browser's "Failed to fetch"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_steps import laid_out, screenshot, select_state, state, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "claims_offline",
    "title": "Claims (offline)",
    "initial": "hold",
    "states": {"hold": {"type": "wait", "duration": "P1D", "title": "Hold the claim"},
               "paid": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "hold", "trigger": "done", "dest": "paid"}],
    "layout": {"hold": {"x": 0, "y": 0}, "paid": {"x": 0, "y": 200}},
}


def test_no_counts_while_unchecked_and_a_failed_save_says_the_changes_are_kept(
        outage_server: LiveServer, sign_in_to: Callable[[LiveServer, str], Page]) -> None:
    token = outage_server.token("analyst")
    draft = outage_server.api("POST", "/api/drafts", {"content": DRAFT}, token=token)
    page = sign_in_to(outage_server, "analyst")
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)
    wait_validated(page)
    panel = page.get_by_test_id("findings-panel")
    expect(panel.get_by_test_id("findings-errors")).to_have_text("0 errors")

    outage_server.stop()
    select_state(page, "hold")
    page.get_by_test_id("field-title").fill("Hold the claim (edited while the server is down)")
    unavailable = panel.get_by_test_id("findings-unavailable")
    expect(unavailable).to_contain_text("the flow as it is now is not checked. The server cannot be reached.")
    expect(panel.get_by_test_id("findings-unchecked")).to_have_text("not checked")
    expect(panel.get_by_test_id("findings-errors")).to_have_count(0)
    expect(panel.get_by_test_id("findings-warnings")).to_have_count(0)
    expect(panel).not_to_contain_text("Failed to fetch")

    page.get_by_test_id("save").click()
    message = page.get_by_test_id("designer-message")
    expect(message).to_contain_text("The draft was not saved: The server cannot be reached. Your changes are kept "
                                    "in this tab: save again once the server is back.")
    expect(message).not_to_contain_text("Failed to fetch")
    screenshot(page, "pages-server-down-save")

    outage_server.start_again()
    expect(panel.get_by_test_id("findings-errors")).to_have_text("0 errors", timeout=20_000)
    expect(panel.get_by_test_id("findings-unchecked")).to_have_count(0)
    page.get_by_test_id("save").click()
    expect(message).to_contain_text(f"Draft saved (revision {draft['revision'] + 1})")
    saved = outage_server.api("GET", f"/api/drafts/{draft['id']}", token=token)
    assert saved["content"]["states"]["hold"]["title"] == "Hold the claim (edited while the server is down)"
    expect(state(page, "hold")).to_contain_text("edited while the server is down")
