"""Feedback of the draft editor that a person relies on: Save (button or Ctrl+S) with nothing changed since the
last save says so and sends nothing, instead of writing another revision; and "Validation is unavailable",
shown while the server is down, goes by itself once the server answers again, without another edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_steps import SignIn, laid_out, screenshot, select_state, state, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, Request, expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "expense_claim",
    "title": "Expense claim",
    "initial": "check",
    "states": {"check": {"type": "task", "action": "check_claim", "title": "Check the claim"},
               "paid": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "check", "trigger": "done", "dest": "paid"},
                    {"source": "check", "trigger": "error", "dest": "paid"}],
    "layout": {"check": {"x": 0, "y": 0}, "paid": {"x": 0, "y": 200}},
}


def test_save_with_nothing_changed_sends_nothing(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=token)
    page = sign_in("analyst")
    saves: list[Request] = []
    page.on("request", lambda r: saves.append(r) if r.method == "PUT" and "/api/drafts/" in r.url else None)
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)
    message = page.get_by_test_id("designer-message")

    # Just opened: Ctrl+S says there is nothing to save.
    page.get_by_test_id("canvas").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    expect(message).to_contain_text(f"Nothing to save: no changes since revision {draft['revision']}")
    expect(page.get_by_test_id("save")).to_be_disabled()

    # A title changed and typed back as it was is no change either.
    select_state(page, "check")
    title = page.get_by_test_id("field-title")
    title.fill("Check the claim twice")
    expect(page.get_by_test_id("designer")).to_have_attribute("data-dirty", "true")
    title.fill("Check the claim")
    expect(page.get_by_test_id("designer")).to_have_attribute("data-dirty", "false")
    expect(page.get_by_test_id("save")).to_be_disabled()

    # A real change is saved once; Ctrl+S right after saves nothing more.
    title.fill("Check the expense claim")
    page.keyboard.press("Control+s")
    expect(message).to_contain_text(f"Draft saved (revision {draft['revision'] + 1})")
    page.keyboard.press("Control+s")
    expect(message).to_contain_text(f"Nothing to save: no changes since revision {draft['revision'] + 1}")
    screenshot(page, "designer-nothing-to-save")
    page.wait_for_timeout(300)
    assert len(saves) == 1, [r.url for r in saves]
    assert server.api("GET", f"/api/drafts/{draft['id']}", token=token)["revision"] == draft["revision"] + 1


def test_validation_comes_back_by_itself(
    outage_server: LiveServer, sign_in_to: Callable[[LiveServer, str], Page]
) -> None:
    draft = outage_server.api("POST", "/api/drafts", {"content": DRAFT}, token=outage_server.token("analyst"))
    page = sign_in_to(outage_server, "analyst")
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)
    wait_validated(page)
    panel = page.get_by_test_id("findings-panel")

    outage_server.stop()
    page.get_by_test_id("palette-task").click()  # a task without its action: an error, once validation can tell
    expect(state(page, "task_1")).to_be_visible()
    expect(panel).to_contain_text("Validation is unavailable")
    screenshot(page, "designer-validation-unavailable")

    outage_server.start_again()
    # No edit, no click: the note goes and the findings for the workflow as it is now arrive.
    expect(panel).not_to_contain_text("Validation is unavailable", timeout=20_000)
    expect(page.locator('[data-testid="finding-schema"][data-states="task_1"]')).to_contain_text(
        "'action' is required here.")
    screenshot(page, "designer-validation-back")
