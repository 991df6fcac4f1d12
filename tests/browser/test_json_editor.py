"""The JSON view is a code editor that keeps unfinished work: text that does not parse yet survives a look
at the diagram (finding 2), it is not said to be overtaken by the diagram when only the text changed
(finding 3), and syntax errors and validation findings are marked on their lines in the lint gutter. A state
pasted under an id the flow already has is said to be written twice, instead of one of the two vanishing
(JSON.parse keeps the last: "No problems found", and the first was gone)."""

from __future__ import annotations

import pytest
from browser_steps import SignIn, json_editor, json_source, state, wait_validated
from docs_screens import save_doc_screenshot
from live_server import LiveServer
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

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


def rest_mouse_on(line: Locator, text: str, tooltip: Locator) -> None:
    """Rest the mouse on `text` in an editor line until `tooltip` shows, moving it a little as a person does:
    the editor shows a hover tooltip only when the text under a still mouse was not redrawn meanwhile."""
    box = line.evaluate(
        """(line, text) => {
            const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.textContent.indexOf(text);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + text.length);
                const r = range.getBoundingClientRect();
                return {x: r.x, y: r.y, width: r.width, height: r.height};
            }
            return null;
        }""",
        text,
    )
    assert box is not None, f"{text!r} is not on the line"
    for dx in (0, 2, -2, 4, -4, 0):
        line.page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2)
        try:
            tooltip.wait_for(state="visible", timeout=1500)
        except PlaywrightTimeout:
            continue
        return
    expect(tooltip).to_be_visible()


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


def test_a_key_written_twice_is_refused_instead_of_one_vanishing(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_json(page, server, DRAFT)

    # A second 'triage' state, pasted above the first (say, copied from another flow and not renamed).
    put_cursor_after(page, '"states": {')
    page.keyboard.press("Enter")
    page.keyboard.insert_text('"triage": {"type": "wait", "duration": "PT1H"},')
    expect(page.get_by_test_id("json-error")).to_contain_text(
        "'triage' is written twice in the same object; only one of them would be kept.")
    expect(page.locator(".cm-lint-marker-error")).to_have_count(1)
    page.get_by_test_id("view-diagram").click()
    expect(state(page, "triage")).to_contain_text("triage_ticket")  # the diagram keeps the last valid version

    # A key may repeat in different objects: each state has its own "type".
    page.get_by_test_id("view-json").click()
    put_cursor_after(page, '"triage": {"type": "wait", "duration": "PT1H"},')
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    page.keyboard.insert_text('"pause": {"type": "wait", "duration": "PT1H"},')
    expect(page.get_by_test_id("json-error")).to_have_count(0)
    page.get_by_test_id("view-diagram").click()
    expect(state(page, "pause")).to_be_visible()


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


def test_the_schema_completes_explains_and_checks_what_is_typed(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_json(page, server, {**DRAFT, "id": "json_schema_help"})
    expect(page.get_by_test_id("json-view")).to_have_attribute("data-schema", "loaded")

    # A new property in the task state: the list offers the task's own properties (not a choice's).
    put_cursor_after(page, '"type": "task",')
    page.keyboard.press("Enter")
    page.keyboard.type('"ag')
    options = page.locator(".cm-tooltip-autocomplete li")
    expect(options.first).to_be_visible()
    expect(page.locator(".cm-tooltip-autocomplete")).to_contain_text("agent")
    expect(page.locator(".cm-tooltip-autocomplete")).not_to_contain_text("choices")
    page.locator(".cm-tooltip-autocomplete .cm-completionLabel").get_by_text("agent", exact=True).click()
    page.keyboard.type('"bdr_concierge",')
    assert '"agent": "bdr_concierge",' in json_source(page)

    # A value with a fixed set: a final state's outcome offers exactly the allowed outcomes.
    put_cursor_after(page, '"outcome": "success"')
    for _ in range(len('"success"')):
        page.keyboard.press("Backspace")
    page.keyboard.type('"')
    expect(page.locator(".cm-tooltip-autocomplete")).to_contain_text("failure")
    page.locator(".cm-tooltip-autocomplete li", has_text="failure").click()
    assert '"outcome": "failure"' in json_source(page)

    # Hovering a property name shows what the schema says about it.
    wait_validated(page)  # the edits have settled (new findings redraw the gutter)
    hover = page.get_by_test_id("json-hover")
    rest_mouse_on(page.locator(".cm-line", has_text='"dest": "resolved"'), '"dest"', hover)
    expect(hover).to_contain_text("The state it enters.")

    # A property the schema does not know is marked on its line with the schema's message.
    put_cursor_after(page, '"agent": "bdr_concierge",')
    page.keyboard.press("Enter")
    page.keyboard.insert_text('"retries": 3,')
    line = page.locator(".cm-line", has_text='"retries": 3,')
    expect(line.locator(".cm-lintRange-error")).to_have_count(1)
    line.locator(".cm-lintRange-error").hover()
    expect(page.locator(".cm-tooltip-lint")).to_contain_text("'retries' is not a property")
    save_doc_screenshot(page, "designer-json-schema-help")
