"""The JSON view and the canvas are two views of one workflow: an edit on either side shows on the other,
invalid JSON is kept with its error rather than lost, and undo restores the previous graph."""

from __future__ import annotations

import json

import pytest
from browser_steps import SignIn, json_editor, json_source, json_text, screenshot, state, transition_label
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAFT = {
    "id": "sync_check",
    "title": "Sync check",
    "initial": "triage",
    "states": {
        "triage": {"type": "task", "action": "triage_ticket"},
        "resolved": {"type": "final", "outcome": "success"},
    },
    "transitions": [{"source": "triage", "trigger": "done", "dest": "resolved"}],
    "layout": {"triage": {"x": 0, "y": 0}, "resolved": {"x": 0, "y": 180}},
}


def test_json_and_canvas_stay_in_sync_and_undo_restores(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "triage")).to_be_visible()
    expect(page.locator(".react-flow__node")).to_have_count(2)

    # JSON → canvas: add a state and a transition in the text.
    page.get_by_test_id("view-json").click()
    document = json_text(page)
    document["states"]["escalate"] = {"type": "approval", "title": "Escalate", "approvers": {"roles": ["support_lead"]}}
    document["transitions"].append({"source": "triage", "trigger": "error", "dest": "escalate"})
    document["layout"]["escalate"] = {"x": 260, "y": 180}
    json_editor(page).fill(json.dumps(document, indent=2))
    # the text became the workflow (a CI run under load once typed on into text the view had just rewritten)
    expect(page.get_by_text("3 states, 2 transitions")).to_be_visible()
    assert "escalate" in json_source(page)

    # Invalid JSON is shown with its error; the text stays, the diagram keeps the last valid workflow.
    json_editor(page).press("Control+End")
    page.keyboard.type(",,")
    expect(page.get_by_test_id("json-error")).to_contain_text("not valid")
    broken = json_source(page)
    assert broken.rstrip().endswith(",,")
    screenshot(page, "json-view-invalid")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    expect(page.get_by_test_id("json-error")).to_have_count(0)

    page.get_by_test_id("view-diagram").click()
    expect(state(page, "escalate")).to_be_visible()
    expect(page.locator(".react-flow__node")).to_have_count(3)
    expect(transition_label(page, 1)).to_contain_text("error")

    # Canvas → JSON: edit in the inspector, add from the palette.
    state(page, "escalate").click()
    page.get_by_test_id("field-title").fill("Escalate to a lead")
    page.get_by_test_id("palette-wait").click()
    expect(state(page, "wait_1")).to_be_visible()
    page.get_by_test_id("view-json").click()
    document = json_text(page)
    assert document["states"]["escalate"]["title"] == "Escalate to a lead"
    assert document["states"]["wait_1"]["type"] == "wait"
    assert "wait_1" in document["layout"]
    screenshot(page, "json-view-in-sync")

    # Undo restores the previous graph: the added wait state goes, on the canvas and in the JSON.
    page.get_by_test_id("view-diagram").click()
    page.get_by_test_id("canvas").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    expect(state(page, "wait_1")).to_have_count(0)
    expect(page.locator(".react-flow__node")).to_have_count(3)
    page.get_by_test_id("view-json").click()
    assert "wait_1" not in json_text(page)["states"]
    page.get_by_test_id("view-diagram").click()

    # ... and further back, to before the JSON edit; redo brings it again.
    page.get_by_test_id("undo").click()
    page.get_by_test_id("undo").click()
    expect(state(page, "escalate")).to_have_count(0)
    expect(page.locator(".react-flow__node")).to_have_count(2)
    page.keyboard.press("Control+Shift+z")
    expect(state(page, "escalate")).to_be_visible()

    # Delete, copy and paste from the keyboard.
    state(page, "escalate").click()
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    expect(state(page, "escalate_copy")).to_be_visible()
    page.keyboard.press("Delete")
    expect(state(page, "escalate_copy")).to_have_count(0)
    expect(page.get_by_test_id("unsaved")).to_be_visible()
