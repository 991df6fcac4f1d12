"""The JSON view is a code editor that keeps unfinished work: text that does not parse yet survives a look
at the diagram (finding 2), it is not said to be overtaken by the diagram when only the text changed
(finding 3), and syntax errors and validation findings are marked on their lines in the lint gutter."""

from __future__ import annotations

import pytest
from browser_steps import SignIn, json_editor, json_source, state, wait_validated
from docs_screens import save_doc_screenshot
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DRAFT = {
    "id": "json_keeps_text",
    "title": "JSON keeps text",
    "initial": "triage",
    "states": {
        "triage": {"type": "task", "action": "triage_ticket"},
        "resolved": {"type": "final", "outcome": "success"},
    },
    "transitions": [{"source": "triage", "trigger": "done", "dest": "resolved"}],
    "layout": {"triage": {"x": 0, "y": 0}, "resolved": {"x": 0, "y": 180}},
}


def open_json(page: Page, server: LiveServer, content: dict[str, object]) -> None:
    draft = server.api("POST", "/api/drafts", {"content": content}, token=server.token("analyst"))
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "triage")).to_be_visible()
    page.get_by_test_id("view-json").click()
    expect(json_editor(page)).to_be_visible()


def put_cursor_after(page: Page, text: str) -> None:
    """Click the line that ends with `text` and go to its end, as a person would."""
    page.locator(".cm-line", has_text=text).first.click()
    page.keyboard.press("End")


def test_unfinished_json_survives_a_tab_switch_without_a_false_alarm(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_json(page, server, DRAFT)

    # Type text that does not parse yet, as in the finding: `"description": "x" "oops": 1,`.
    put_cursor_after(page, '"title": "JSON keeps text",')
    page.keyboard.press("Enter")
    page.keyboard.insert_text('"description": "x" "oops": 1,')
    expect(page.get_by_test_id("json-error")).to_contain_text("not valid")
    expect(page.get_by_test_id("json-stale")).to_have_count(0)  # only the text changed
    expect(page.locator(".cm-lint-marker-error")).to_have_count(1)  # marked in the gutter, on its line
    typed = json_source(page)
    assert '"description": "x" "oops": 1,' in typed

    # A look at the diagram and back: the text is still there, as typed.
    page.get_by_test_id("view-diagram").click()
    expect(state(page, "triage")).to_be_visible()
    page.get_by_test_id("view-json").click()
    expect(json_editor(page)).to_be_visible()
    assert json_source(page) == typed
    expect(page.get_by_test_id("json-error")).to_contain_text("not valid")
    expect(page.get_by_test_id("json-stale")).to_have_count(0)

    # Deleting one comma elsewhere is a text change too: still no "the diagram changed since".
    put_cursor_after(page, '"initial": "triage",')
    page.keyboard.press("Backspace")
    expect(page.get_by_test_id("json-error")).to_be_visible()
    expect(page.get_by_test_id("json-stale")).to_have_count(0)

    # Only a real change of the diagram (here: undo of nothing, so a palette add) says so.
    page.get_by_test_id("view-diagram").click()
    page.get_by_test_id("palette-wait").click()
    expect(state(page, "wait_1")).to_be_visible()
    page.get_by_test_id("view-json").click()
    expect(page.get_by_test_id("json-stale")).to_be_visible()
    page.get_by_test_id("json-discard").click()
    expect(page.get_by_test_id("json-error")).to_have_count(0)
    assert '"wait_1"' in json_source(page)


def test_validation_findings_are_marked_on_their_lines(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    broken = {**DRAFT, "id": "json_marks_findings", "initial": "nowhere"}
    open_json(page, server, broken)
    wait_validated(page)
    marker = page.locator(".cm-lint-marker-error")
    expect(marker.first).to_be_visible()
    # The finding is on the line that names the missing initial state.
    line = page.locator(".cm-line", has_text='"initial": "nowhere"')
    expect(line.locator(".cm-lintRange-error")).to_have_count(1)
    expect(page.locator(".cm-lineNumbers .cm-gutterElement", has_text="1").first).to_be_visible()
    save_doc_screenshot(page, "designer-json-view")
