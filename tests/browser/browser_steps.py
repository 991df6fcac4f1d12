"""What a person does in the designer, as small named steps the tests read like a story."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from live_server import LiveServer
from playwright.sync_api import Locator, Page, expect

VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SignIn = Callable[[str], Page]  # a page signed in as the user of the given role


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def state(page: Page, state_id: str) -> Locator:
    return page.get_by_test_id(f"state-{state_id}")


def transition_label(page: Page, index: int) -> Locator:
    return page.get_by_test_id(f"transition-{index}")


def at_the_field(field: Locator) -> None:
    """The inspector's field a finding named: focused, in view, and outlined (its row, for an expression map's
    entry) — where "Show in the flow" and a click on a problem leave the person."""
    expect(field).to_be_focused()
    expect(field).to_be_in_viewport()
    outlined = field.locator("xpath=ancestor-or-self::*[contains(concat(' ', @class, ' '), ' field-revealed ')]")
    expect(outlined).to_have_count(1)


def wait_validated(page: Page) -> None:
    """Until the findings describe the workflow as it is now (validation is debounced)."""
    expect(page.locator('[data-testid="findings-panel"][data-pending="false"]')).to_be_visible()


def open_draft(server: LiveServer, sign_in: SignIn, content: dict[str, Any], *, showing: str | None = None) -> Page:
    """An analyst's page on a new draft of `content`, once the state `showing` (when given) is drawn and the
    findings describe the draft (`wait_validated`): where a test of the problems or of the simulator starts."""
    draft = server.api("POST", "/api/drafts", {"content": content}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    if showing is not None:
        expect(state(page, showing)).to_be_visible()
    wait_validated(page)
    return page


def add_state(page: Page, kind: str, state_id: str, **fields: str) -> None:
    """Add a state from the palette, rename it, and fill inspector fields (field name → value)."""
    laid_out(page)  # a new state is placed beside the others where they finally are
    page.get_by_test_id(f"palette-{kind}").click()
    inspector = page.get_by_test_id("state-inspector")
    expect(inspector).to_be_visible()
    id_field = page.get_by_test_id("field-id")
    id_field.fill(state_id)
    id_field.press("Enter")
    expect(state(page, state_id)).to_be_visible()
    for name, value in fields.items():
        fill_field(page, name, value)


def fill_field(page: Page, name: str, value: str) -> None:
    field = page.get_by_test_id(f"field-{name}")
    expect(field).to_be_visible()
    if name in ("action", "agent", "workflow"):  # pickers: a list once the catalog loaded (handlers registered)
        with contextlib.suppress(AssertionError):
            expect(page.locator(f"select[data-testid='field-{name}']")).to_be_visible(timeout=5000)
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


def add_expressions(page: Page, field: str, entries: dict[str, str]) -> None:
    """Add name → CEL expression entries to an expression map field (input, request, assign, result)."""
    for name, expression in entries.items():
        page.get_by_test_id(f"field-{field}-new-key").fill(name)
        page.get_by_test_id(f"field-{field}-new-value").fill(expression)
        page.get_by_test_id(f"field-{field}-add").click()
        expect(page.get_by_test_id(f"field-{field}-new-key")).to_have_value("")  # taken into the map


def select_state(page: Page, state_id: str) -> None:
    """Click the state where an edge label cannot cover it (near its top-left corner, once it stopped moving);
    a label drawn over the middle of a node takes the click for its transition, as it would for a person."""
    laid_out(page)
    # near the top-left corner first; a label may still lie there when the view is zoomed far out, so then the
    # left middle and the centre, as a person clicks again a little further in. The box is looked up again for
    # each click: a view still settling (the first view's fit is animated) moves the state under the pointer.
    spots = ((lambda w, h: (min(12.0, w / 4), min(8.0, h / 4))), (lambda w, h: (w / 4, h / 2)),
             (lambda w, h: (w / 2, h / 2)), (lambda w, h: (w / 2, h / 2)))
    for spot in spots[:-1]:
        box = box_in_view(page, state(page, state_id))
        x, y = spot(box["width"], box["height"])
        page.mouse.click(box["x"] + x, box["y"] + y)
        with contextlib.suppress(AssertionError):
            expect(page.get_by_test_id("field-id")).to_have_value(state_id, timeout=2000)
            return
    box = box_in_view(page, state(page, state_id))
    x, y = spots[-1](box["width"], box["height"])
    page.mouse.click(box["x"] + x, box["y"] + y)
    expect(page.get_by_test_id("field-id")).to_have_value(state_id)


def laid_out(page: Page) -> None:
    """Until every canvas shows its final layout (ELK's answer replaces a quick stand-in a moment after) — once
    there is a canvas: a page still loading has none, and none is not laid out."""
    expect(page.locator(".flow-canvas").first).to_be_attached()
    expect(page.locator('.flow-canvas[data-layout="interim"], .flow-canvas[data-layout="pending"]')).to_have_count(0)


def box_in_view(page: Page, locator: Locator) -> dict[str, float]:
    """The element's settled box, after Fit view when it lies (partly) outside the visible canvas, as a person
    fits the view to reach a state scrolled out of sight."""
    box = settled_box(locator)
    # the drawing's own area: the canvas less its search bar's strip
    canvas = settled_box(locator.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' flow-area ')][1]"))
    inside = (
        canvas["x"] <= box["x"]
        and box["x"] + box["width"] <= canvas["x"] + canvas["width"]
        and canvas["y"] <= box["y"]
        and box["y"] + box["height"] <= canvas["y"] + canvas["height"]
    )
    if inside:
        return box
    page.get_by_test_id("fit-view").click()
    return settled_box(locator)


def settled_box(locator: Locator) -> dict[str, float]:
    """The element's box once it stops moving (the canvas may still be panning into view)."""
    box = locator.bounding_box()
    for _ in range(50):
        locator.page.wait_for_timeout(60)
        again = locator.bounding_box()
        if again == box and box is not None:
            return box
        box = again
    assert box is not None, "the element is not on the page"
    return box


def connect_by_drag(page: Page, source: str, dest: str) -> None:
    """Drag from the source state's handle onto the destination state's top handle."""
    laid_out(page)
    box_in_view(page, state(page, source))
    target = box_in_view(page, state(page, dest))
    handle = settled_box(page.get_by_test_id(f"handle-{source}"))
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 20, steps=12)
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 4, steps=3)
    page.mouse.up()
    expect(page.get_by_test_id("transition-inspector")).to_be_visible()


def add_transition(page: Page, source: str, dest: str, **fields: str) -> None:
    """Add a transition from the source state's inspector (the keyboard-reachable way), then fill it."""
    select_state(page, source)
    page.get_by_test_id("new-transition-dest").select_option(dest)
    page.get_by_test_id("add-transition").click()
    expect(page.get_by_test_id("transition-inspector")).to_be_visible()
    for name, value in fields.items():
        fill_field(page, name, value)


def drag_state(page: Page, state_id: str, dx: float, dy: float) -> None:
    laid_out(page)
    box = settled_box(state(page, state_id))
    x, y = box["x"] + box["width"] / 2, box["y"] + 12
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=10)
    page.mouse.up()


def json_source(page: Page) -> str:
    """The whole text in the JSON view's code editor (which draws only the lines in view)."""
    return str(page.get_by_test_id("json-text").evaluate("host => host.editorText()"))


def json_text(page: Page) -> dict[str, Any]:
    """The document in the editor's JSON view."""
    loaded: dict[str, Any] = json.loads(json_source(page))
    return loaded


def json_editor(page: Page) -> Locator:
    """The JSON view's editable text (CodeMirror's content element): fill, press and type go here — once the
    view has its JSON Schema: the schema's arrival reconfigures the editor, and a `fill` (a DOM edit the editor
    reads back) racing that update could be drawn over with the text as it was."""
    expect(page.get_by_test_id("json-view")).to_have_attribute("data-schema", "loaded")
    return page.get_by_test_id("json-content")


def paste_json(page: Page, text: str) -> None:
    """Replace the JSON view's whole text the way a user does: select all, then paste from the clipboard. The
    editor takes a paste as one change; a `fill` of tens of kilobytes is a DOM edit the editor reads back, and
    on a loaded machine that read could come back with the old text's end still on it."""
    editor = json_editor(page)
    editor.click()
    editor.press("ControlOrMeta+a")
    editor.evaluate(
        """(element, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            element.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        text,
    )


_STATES_OUTSIDE_VIEW = """
() => {
  const area = document.querySelector('.flow-area').getBoundingClientRect();
  return [...document.querySelectorAll('.react-flow__node-state')]
    .filter((n) => {
      const r = n.getBoundingClientRect();
      return r.left < area.left || r.right > area.right || r.top < area.top || r.bottom > area.bottom;
    })
    .map((n) => n.dataset.id);
}
"""


def states_outside_view(page: Page) -> list[str]:
    """The ids of the drawn states not wholly inside the diagram's drawing area (as Fit view shows it)."""
    return [str(x) for x in page.evaluate(_STATES_OUTSIDE_VIEW)]
