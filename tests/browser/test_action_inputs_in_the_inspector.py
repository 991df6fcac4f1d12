"""What an action needs, said in the task's inspector: when the action's handler was registered with an input
schema, the inspector lists the inputs it takes in plain words (name, type, required or optional, the schema's
description), marks the required ones the task's input mapping does not give yet, and "Add missing inputs" adds
them — as one edit, which Undo takes back — after which the `action-input-mismatch` problem about them is gone.
The same inside a parallel state's branch and a map's iterator.

The server is one of this module's own, serving handlers registered with an input schema (`--handlers`), so the
test does not depend on which shipped handlers have one."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from browser_steps import SCREENSHOTS, SignIn, json_text, open_draft, screenshot, select_state, state, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ACTION = "send_welcome_mail"
WITHOUT_SCHEMA = "note_welcome"  # registered without an input schema
MAIL_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["to", "subject", "customer_name"],
    "additionalProperties": False,
    "properties": {
        "to": {"type": "string", "format": "email", "description": "The address the mail goes to."},
        "subject": {"type": "string", "description": "The mail's subject line."},
        "customer_name": {"type": "string"},
        "priority": {"enum": ["low", "high"], "description": "How soon it goes out."},
        "attachments": {"type": "array", "items": {"type": "string"}},
    },
}

HANDLERS = f"""
def register(engine):
    engine.register({ACTION!r}, lambda request: {{"sent_to": request.input["to"]}}, input_schema={MAIL_INPUT!r})
    engine.register({WITHOUT_SCHEMA!r}, lambda request: {{"noted": True}})
"""


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A designer whose engine has the mail handler, registered with its input schema, and one registered
    without, beside the shipped ones."""
    folder = tmp_path_factory.mktemp("mail_handlers")
    (folder / "welcome_mail_handlers.py").write_text(textwrap.dedent(HANDLERS), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")])))
        with LiveServer(serve_args=("--handlers", "welcome_mail_handlers:register")) as live:
            yield live


@pytest.fixture
def analyst_at_1366(mail_server: LiveServer, sign_in_as: Callable[..., Page]) -> SignIn:
    return lambda role: sign_in_as(mail_server, role, viewport={"width": 1366, "height": 768})


def _task(**fields: Any) -> dict[str, Any]:
    return {"type": "task", **fields}


WELCOME: dict[str, Any] = {
    "id": "customer_welcome",
    "title": "Customer welcome",
    "context": {"type": "object", "properties": {"customer_name": {"type": "string"}, "email": {"type": "string"}}},
    "initial": "welcome",
    "states": {
        # no action yet; a subject already written by hand
        "welcome": _task(input={"subject": "'Welcome aboard'"}, output="mail"),
        "done": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "welcome", "trigger": "done", "dest": "done"},
        {"source": "welcome", "trigger": "error", "dest": "failed"},
    ],
}


def _mismatches(page: Page) -> Any:
    return page.get_by_test_id("finding-action-input-mismatch")


def _input_mapping(page: Page) -> dict[str, str]:
    keys = page.locator("[data-testid^='field-input-key-']").evaluate_all("els => els.map(e => e.value)")
    values = page.locator("[data-testid^='field-input-value-']").evaluate_all("els => els.map(e => e.value)")
    return dict(zip(keys, values, strict=True))


def _shot(page: Page, name: str) -> None:
    """The page, and the list of inputs on its own (test-artifacts/screenshots/)."""
    screenshot(page, name)
    inputs = page.get_by_test_id("action-inputs")
    if inputs.count():
        inputs.screenshot(path=str(SCREENSHOTS / f"{name}-list.png"))


def test_the_inspector_says_what_the_action_needs_and_adds_the_missing_inputs(
        mail_server: LiveServer, analyst_at_1366: SignIn) -> None:
    page = open_draft(mail_server, analyst_at_1366, WELCOME, showing="welcome")
    select_state(page, "welcome")
    expect(page.get_by_test_id("action-inputs")).to_have_count(0)  # no action: nothing new

    expect(page.locator("select[data-testid='field-action']")).to_be_visible()
    page.get_by_test_id("field-action").select_option(WITHOUT_SCHEMA)
    wait_validated(page)
    expect(page.get_by_test_id("action-inputs")).to_have_count(0)

    page.get_by_test_id("field-action").select_option(ACTION)
    inputs = page.get_by_test_id("action-inputs")
    expect(inputs).to_contain_text(f"Inputs {ACTION} takes")
    rows = inputs.locator("li")
    expect(rows).to_have_count(5)
    assert rows.evaluate_all("els => els.map(e => e.dataset.testid)") == [
        "action-input-to", "action-input-subject", "action-input-customer_name", "action-input-priority",
        "action-input-attachments"]
    to = page.get_by_test_id("action-input-to")
    expect(to).to_contain_text("email address")
    expect(to).to_contain_text("required")
    expect(to).to_contain_text("not given yet")
    expect(to).to_contain_text("The address the mail goes to.")
    expect(page.get_by_test_id("action-input-subject")).to_have_attribute("data-status", "given")
    expect(page.get_by_test_id("action-input-customer_name")).to_have_attribute("data-status", "missing")
    expect(page.get_by_test_id("action-input-priority")).to_contain_text("one of: low, high")
    expect(page.get_by_test_id("action-input-priority")).to_contain_text("optional")
    expect(page.get_by_test_id("action-input-priority")).not_to_contain_text("not given")
    expect(page.get_by_test_id("action-input-attachments")).to_contain_text("list of text")
    expect(page.get_by_test_id("action-inputs-missing")).to_contain_text("2 required inputs are not given yet")

    wait_validated(page)
    expect(_mismatches(page)).to_have_count(1)
    expect(_mismatches(page)).to_contain_text("'to' or 'customer_name'")
    add = page.get_by_test_id("add-missing-inputs")
    add.scroll_into_view_if_needed()
    expect(add).to_be_in_viewport()
    _shot(page, "action-inputs-missing")

    add.click()
    # the keys added after the one given, each reading the context value of the same name; the first takes the focus
    expect(page.get_by_test_id("field-input-value-1")).to_be_focused()
    assert _input_mapping(page) == {"subject": "'Welcome aboard'", "to": "to", "customer_name": "customer_name"}
    wait_validated(page)
    expect(_mismatches(page)).to_have_count(0)
    expect(page.get_by_test_id("add-missing-inputs")).to_have_count(0)
    expect(page.get_by_test_id("action-inputs-complete")).to_be_visible()
    # the context declares customer_name; nothing declares or sets `to`: its row says so, and the list points there
    expect(page.get_by_test_id("action-input-customer_name")).to_have_attribute("data-status", "given")
    expect(page.get_by_test_id("action-input-to")).to_have_attribute("data-status", "flagged")
    expect(page.get_by_test_id("field-input")).to_contain_text("reads 'to', which may not be set")
    _shot(page, "action-inputs-added")

    page.get_by_test_id("undo").click()  # one edit: Undo takes the keys back
    wait_validated(page)
    assert _input_mapping(page) == {"subject": "'Welcome aboard'"}
    expect(_mismatches(page)).to_have_count(1)
    expect(page.get_by_test_id("action-input-to")).to_have_attribute("data-status", "missing")


NESTED: dict[str, Any] = {
    "id": "customer_welcome_nested",
    "title": "Customer welcome, nested",
    "context": {"type": "object", "properties": {
        "to": {"type": "string"}, "subject": {"type": "string"}, "customer_name": {"type": "string"},
        "customers": {"type": "array"}}},
    "initial": "notify",
    "states": {
        "notify": {"type": "parallel", "branches": [{
            "name": "mail", "initial": "send", "states": {
                "send": _task(action=ACTION, input={"to": "to"}), "sent": {"type": "final"}},
            "transitions": [{"source": "send", "trigger": "done", "dest": "sent"}]}]},
        "each_customer": {"type": "map", "items": "customers",
                          "input": {"to": "item.email", "subject": "'Hello'", "customer_name": "item.name"},
                          "iterator": {"initial": "send_each", "states": {
                              "send_each": _task(action=ACTION), "greeted": {"type": "final"}},
                              "transitions": [{"source": "send_each", "trigger": "done", "dest": "greeted"}]}},
        "done": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "notify", "trigger": "done", "dest": "each_customer"},
        {"source": "notify", "trigger": "error", "dest": "failed"},
        {"source": "each_customer", "trigger": "done", "dest": "done"},
        {"source": "each_customer", "trigger": "error", "dest": "failed"},
    ],
}


def test_the_same_inside_a_branch_and_a_map_iterator_from_the_keyboard(
        mail_server: LiveServer, analyst_at_1366: SignIn) -> None:
    page = open_draft(mail_server, analyst_at_1366, NESTED, showing="notify")
    expect(_mismatches(page)).to_have_count(2)  # the branch's task and the iterator's

    select_state(page, "notify")
    page.get_by_test_id("open-branch-mail").click()
    expect(page.get_by_test_id("scope-current")).to_have_text("mail")
    select_state(page, "send")
    expect(page.get_by_test_id("action-input-to")).to_have_attribute("data-status", "given")
    expect(page.get_by_test_id("action-input-subject")).to_have_attribute("data-status", "missing")
    add = page.get_by_test_id("add-missing-inputs")
    add.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("field-input-value-1")).to_be_focused()
    assert _input_mapping(page) == {"to": "to", "subject": "subject", "customer_name": "customer_name"}
    wait_validated(page)
    expect(_mismatches(page)).to_have_count(1)  # the iterator's, still
    expect(page.get_by_test_id("field-input")).not_to_contain_text("may not be set")  # the context declares them

    page.get_by_test_id("scope-root").click()
    expect(state(page, "each_customer")).to_be_visible()
    select_state(page, "each_customer")
    page.get_by_test_id("open-iterator").click()
    expect(page.get_by_test_id("scope-current")).to_have_text("for each item")
    select_state(page, "send_each")
    expect(page.get_by_test_id("action-inputs-missing")).to_contain_text("3 required inputs are not given yet")
    add = page.get_by_test_id("add-missing-inputs")
    add.focus()
    page.keyboard.press("Space")
    expect(page.get_by_test_id("field-input-value-0")).to_be_focused()
    # each item's context is the map's input: to, subject and customer_name, read by the same names
    assert _input_mapping(page) == {"to": "to", "subject": "subject", "customer_name": "customer_name"}
    wait_validated(page)
    expect(_mismatches(page)).to_have_count(0)
    expect(page.get_by_test_id("field-input")).not_to_contain_text("may not be set")
    _shot(page, "action-inputs-in-iterator")

    page.get_by_test_id("view-json").click()  # written where each task is, in the one document
    written = json_text(page)["states"]
    assert written["notify"]["branches"][0]["states"]["send"]["input"] == {
        "to": "to", "subject": "subject", "customer_name": "customer_name"}
    assert written["each_customer"]["iterator"]["states"]["send_each"]["input"] == {
        "to": "to", "subject": "subject", "customer_name": "customer_name"}
