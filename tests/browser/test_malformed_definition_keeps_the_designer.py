"""A definition typed wrong in the JSON view — a transition's `errors` as "timeout" instead of ["timeout"] — used
to blank the whole designer: drawing the transition's label called `errors.join`, which a string has not, and no
part of the page caught the error. The canvas now draws what it can (a field of the wrong type is left out of the
drawing, never out of the document), the Problems panel names the field, and once it is fixed the flow is drawn as
before, the transition's label with its error kinds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from browser_steps import (
    SignIn,
    json_editor,
    json_text,
    open_draft,
    screenshot,
    state,
    transition_label,
    wait_validated,
)
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "malformed_transition",
    "title": "Malformed transition",
    "initial": "fetch",
    "states": {
        "fetch": {"type": "task", "action": "score_lead", "title": "Fetch the claim"},
        "retry_later": {"type": "wait", "duration": "PT1H", "title": "Try again later"},
        "done": {"type": "final", "outcome": "success"},
    },
    "transitions": [
        {"source": "fetch", "trigger": "done", "dest": "done"},
        {"source": "fetch", "trigger": "error", "errors": ["timeout"], "dest": "retry_later"},
        {"source": "retry_later", "trigger": "done", "dest": "fetch"},
    ],
    "layout": {"fetch": {"x": 0, "y": 0}, "retry_later": {"x": 260, "y": 160}, "done": {"x": 0, "y": 320}},
}


def _type_document(page: Page, document: dict[str, Any]) -> None:
    page.get_by_test_id("view-json").click()
    json_editor(page).fill(json.dumps(document, indent=2))
    expect(page.get_by_test_id("json-error")).to_have_count(0)


def _designer_usable(page: Page) -> None:
    expect(page.get_by_test_id("designer")).to_be_visible()
    expect(page.get_by_test_id("canvas-broken")).to_have_count(0)
    expect(page.get_by_test_id("app-broken")).to_have_count(0)
    for state_id in ("fetch", "retry_later", "done"):
        expect(state(page, state_id)).to_be_visible()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("errors", "timeout"),  # the review's case: a string, not a list
        ("errors", {"kind": "timeout"}),
        ("trigger", {"on": "error"}),
        ("guard", ["context.retries < 3"]),
        ("source", 5),
        ("dest", None),
    ],
)
def test_a_transition_field_of_the_wrong_type_is_named_and_the_flow_still_drawn(
    server: LiveServer, sign_in: SignIn, field: str, value: Any
) -> None:
    page = open_draft(server, sign_in, DRAFT, showing="fetch")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    broken = json.loads(json.dumps(DRAFT))
    broken["transitions"][1][field] = value
    _type_document(page, broken)
    page.get_by_test_id("view-diagram").click()
    _designer_usable(page)
    expect(transition_label(page, 0)).to_contain_text("done")
    problem = page.get_by_test_id("findings-panel").locator("li", has_text=f"'{field}'")
    expect(problem).to_contain_text("transition 2")  # named, with its place
    screenshot(page, f"malformed-transition-{field}")

    # Still editable: the inspector, the palette, Save.
    page.get_by_test_id("state-fetch").click()
    expect(page.get_by_test_id("state-inspector")).to_be_visible()

    # Fixed in the JSON view: the flow is drawn again, the transition's label with its error kinds.
    _type_document(page, DRAFT)
    assert json_text(page)["transitions"][1]["errors"] == ["timeout"]
    page.get_by_test_id("view-diagram").click()
    _designer_usable(page)
    expect(page.get_by_test_id("transition-1-errors")).to_have_text("(timeout)")
    assert errors == []


def test_the_document_keeps_what_was_typed(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, DRAFT, showing="fetch")
    broken = json.loads(json.dumps(DRAFT))
    broken["transitions"][1]["errors"] = "timeout"
    _type_document(page, broken)
    wait_validated(page)
    expect(page.get_by_test_id("findings-panel")).to_contain_text("'errors' must be a list")
    page.get_by_test_id("view-diagram").click()
    _designer_usable(page)
    # The document kept what was typed: saved as it is, the field for the person to fix.
    page.get_by_test_id("view-json").click()
    assert json_text(page)["transitions"][1]["errors"] == "timeout"


@pytest.mark.parametrize(
    ("state_id", "field", "value"),
    [
        ("fetch", "title", {"en": "Fetch"}),
        ("fetch", "type", 5),
        ("fetch", "branches", "legal"),
        ("fetch", "iterator", "items"),
        ("retry_later", "duration", ["PT1H"]),
        ("retry_later", "event", "claim_updated"),
    ],
)
def test_a_state_field_of_the_wrong_type_is_named_and_the_flow_still_drawn(
    server: LiveServer, sign_in: SignIn, state_id: str, field: str, value: Any
) -> None:
    page = open_draft(server, sign_in, DRAFT, showing="fetch")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    broken = json.loads(json.dumps(DRAFT))
    broken["states"][state_id][field] = value
    _type_document(page, broken)
    page.get_by_test_id("view-diagram").click()
    _designer_usable(page)
    wait_validated(page)
    expect(page.get_by_test_id("findings-panel").locator("li.finding, li").first).to_be_visible()
    _type_document(page, DRAFT)
    page.get_by_test_id("view-diagram").click()
    _designer_usable(page)
    assert errors == []


def test_a_part_that_cannot_be_drawn_says_so_and_is_drawn_again_once_fixed(server: LiveServer, sign_in: SignIn) -> None:
    """The inspector of a state whose title is an object cannot be drawn: it says so in its place (the rest of
    the designer goes on), offers the JSON view, and is drawn again once the title is fixed there."""
    page = open_draft(server, sign_in, DRAFT, showing="fetch")
    broken = json.loads(json.dumps(DRAFT))
    broken["states"]["fetch"]["title"] = {"en": "Fetch the claim"}
    broken["states"]["done"]["title"] = "Paid"
    _type_document(page, broken)
    page.get_by_test_id("view-diagram").click()
    _designer_usable(page)
    expect(state(page, "done")).to_contain_text("Paid")  # the document's other edits are drawn
    state(page, "fetch").click()
    notice = page.get_by_test_id("inspector-broken")
    expect(notice).to_contain_text("The inspector could not be drawn")
    expect(notice).to_contain_text("Nothing saved is lost")
    expect(notice).to_contain_text("Your unsaved changes are still here")
    screenshot(page, "inspector-cannot-be-drawn")
    expect(page.get_by_test_id("designer")).to_have_attribute("data-dirty", "true")
    notice.get_by_test_id("broken-open-json").click()
    expect(page.get_by_test_id("json-view")).to_be_visible()
    fixed = json.loads(json.dumps(broken))
    fixed["states"]["fetch"]["title"] = "Fetch the claim"
    _type_document(page, fixed)
    expect(notice).to_have_count(0)
    expect(page.get_by_test_id("state-inspector")).to_be_visible()
    expect(page.get_by_test_id("field-title")).to_have_value("Fetch the claim")
    page.get_by_test_id("view-diagram").click()
    expect(state(page, "done")).to_contain_text("Paid")
