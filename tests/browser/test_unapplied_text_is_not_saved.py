"""Text typed that is not valid JSON yet — in the JSON view, or in an inspector field such as the context
schema — is unsaved work: the "unsaved" badge stays, leaving the page asks first, and Save says what to fix
instead of reporting "Draft saved" for the workflow without that text (which a reload would show lost). Once
the text is fixed, Save saves it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from browser_steps import SignIn, laid_out, paste_json, screenshot
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "leave_request",
    "title": "Leave request",
    "initial": "review",
    "context": {"type": "object", "properties": {"days": {"type": "integer"}}},
    "states": {"review": {"type": "task", "action": "review_request", "title": "Review the request"},
               "done": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "review", "trigger": "done", "dest": "done"},
                    {"source": "review", "trigger": "error", "dest": "done"}],
    "layout": {"review": {"x": 0, "y": 0}, "done": {"x": 0, "y": 200}},
}


def _leaving_asks(page: Page) -> bool:
    """Whether closing or reloading the tab would ask first (the page cancels `beforeunload`)."""
    return bool(page.evaluate("""() => {
        const event = new Event("beforeunload", {cancelable: true});
        window.dispatchEvent(event);
        return event.defaultPrevented;
    }"""))


def _refused(page: Page, server: LiveServer, draft: dict[str, Any], token: str, fix: str) -> None:
    """Save is refused, saying what to fix; the edit stays unsaved and the server's draft is as it was."""
    page.get_by_test_id("save").click()
    message = page.get_by_test_id("designer-message")
    expect(message).to_contain_text("Nothing was saved")
    expect(message).to_contain_text(fix)
    expect(message).not_to_contain_text("Draft saved")
    expect(page.get_by_test_id("unsaved")).to_be_visible()
    expect(page.get_by_test_id("designer")).to_have_attribute("data-dirty", "true")
    assert _leaving_asks(page)
    stored = server.api("GET", f"/api/drafts/{draft['id']}", token=token)
    assert stored["revision"] == draft["revision"]
    assert stored["content"]["context"] == DRAFT["context"]


def test_an_invalid_context_schema_is_not_saved(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=token)
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)
    assert not _leaving_asks(page)

    schema = page.get_by_test_id("field-context-schema")
    schema.fill('{"type": "object", "properties": {"days": {"type": "number"}},}')
    expect(page.get_by_text("Not valid JSON yet")).to_be_visible()
    expect(page.get_by_test_id("unsaved")).to_be_visible()
    _refused(page, server, draft, token, "“Context (JSON Schema)” field")
    screenshot(page, "designer-unapplied-context-schema")

    # Fixed, the refusal goes and Save saves the new schema.
    schema.fill('{"type": "object", "properties": {"days": {"type": "number"}}}')
    expect(page.get_by_test_id("designer-message")).to_have_count(0)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("designer-message")).to_contain_text(f"Draft saved (revision {draft['revision'] + 1})")
    expect(page.get_by_test_id("unsaved")).to_have_count(0)
    stored = server.api("GET", f"/api/drafts/{draft['id']}", token=token)
    assert stored["content"]["context"]["properties"]["days"] == {"type": "number"}


def test_invalid_json_view_text_is_not_saved(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=token)
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)

    edited = {**DRAFT, "title": "Leave request, edited"}
    page.get_by_test_id("view-json").click()
    paste_json(page, json.dumps(edited, indent=2).replace('"Leave request, edited",', '"Leave request, edited",,'))
    expect(page.get_by_test_id("json-error")).to_be_visible()
    # The diagram still shows the last valid version, which is the saved one: the text alone is unsaved.
    expect(page.get_by_test_id("unsaved")).to_be_visible()
    _refused(page, server, draft, token, "The JSON view's text is not valid yet at line 3")
    assert server.api("GET", f"/api/drafts/{draft['id']}", token=token)["content"]["title"] == "Leave request"

    # From the diagram too: Save shows the JSON view, where the text to fix is.
    page.get_by_test_id("view-diagram").click()
    _refused(page, server, draft, token, "The JSON view's text is not valid yet")
    expect(page.get_by_test_id("json-error")).to_be_visible()
    screenshot(page, "designer-unapplied-json")

    paste_json(page, json.dumps(edited, indent=2))
    expect(page.get_by_test_id("json-error")).to_have_count(0)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("designer-message")).to_contain_text(f"Draft saved (revision {draft['revision'] + 1})")
    expect(page.get_by_test_id("unsaved")).to_have_count(0)
    assert server.api("GET", f"/api/drafts/{draft['id']}", token=token)["content"]["title"] == "Leave request, edited"
