"""Pick, don't type: a task's action, its agent and a subflow's workflow are chosen from what the server has,
and an action no handler is registered for is a problem in the designer (and blocks publishing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_steps import SignIn, laid_out, open_draft, screenshot, select_state, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

TYPO: dict[str, Any] = {
    "id": "lead_intake",
    "title": "Lead intake",
    "initial": "extract",
    "states": {
        "extract": {"type": "task", "action": "extrct_lead"},
        "child": {"type": "subflow", "workflow": "support_ticket_triage"},
        "done": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "extract", "trigger": "done", "dest": "child"},
        {"source": "extract", "trigger": "error", "dest": "failed"},
        {"source": "child", "trigger": "done", "dest": "done"},
        {"source": "child", "trigger": "error", "dest": "failed"},
    ],
}


def test_a_mistyped_action_is_flagged_and_fixed_by_picking(sign_in: SignIn, server: LiveServer) -> None:
    analyst = open_draft(server, sign_in, TYPO)
    finding = analyst.get_by_test_id("finding-unknown-action")
    expect(finding).to_contain_text("extrct_lead")

    select_state(analyst, "extract")
    action = analyst.get_by_test_id("field-action")
    expect(analyst.locator("select[data-testid='field-action']")).to_be_visible()  # a list, once it loaded
    expect(action.locator("option[value='extract_lead']")).to_have_text("extract_lead (bdr_concierge)")
    expect(action.locator("option[value='score_lead']")).to_have_count(1)
    action.select_option("extract_lead")
    wait_validated(analyst)
    expect(analyst.get_by_test_id("finding-unknown-action")).to_have_count(0)

    # several deployed tasks run it (the shipped flows, and those other tests deploy): copy the lead flow's
    source = analyst.get_by_test_id("action-shape-source")
    expect(source.locator("option[value='lead_qualification/extract']")).to_have_count(1)
    source.select_option("lead_qualification/extract")
    expect(analyst.get_by_test_id("use-action-shape")).to_have_text("Fill input and output as lead_qualification does")
    analyst.get_by_test_id("use-action-shape").click()  # the input mapping the deployed flow gives it
    expect(analyst.get_by_test_id("field-output")).to_have_value("lead")
    analyst.wait_for_function(  # the input rows render after the output field: wait for them, not a moment
        "() => { const keys = [...document.querySelectorAll(\"[data-testid^='field-input-key-']\")]"
        ".map(e => e.value); return keys.includes('email') && keys.includes('raw_message'); }")
    keys = analyst.locator("[data-testid^='field-input-key-']").evaluate_all("els => els.map(e => e.value)")
    assert {"email", "raw_message"} <= set(keys), keys
    agent = analyst.get_by_test_id("field-agent")
    expect(agent).to_have_value("bdr_concierge")
    expect(analyst.get_by_test_id("state-inspector")).to_contain_text("budget 0.25 per task")
    screenshot(analyst, "action-picker")

    select_state(analyst, "child")
    workflow = analyst.get_by_test_id("field-workflow")
    expect(analyst.locator("select[data-testid='field-workflow']")).to_be_visible()
    expect(workflow).to_have_value("support_ticket_triage")
    expect(workflow.locator("option[value='lead_qualification']")).to_have_count(1)


def test_publishing_refuses_an_unregistered_action(server: LiveServer) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": {**TYPO, "id": "lead_intake_api"}}, token=token)
    preview = server.api("GET", f"/api/drafts/{draft['id']}/publication", token=token)
    assert [f["code"] for f in preview["report"]["findings"] if f["severity"] == "error"] == ["unknown-action"]


OTHER_USE: dict[str, Any] = {
    "id": "lead_parse_alt",
    "title": "Lead parse (another shape)",
    "context": {"type": "object", "properties": {"email": {"type": "string"}, "parsed": {"type": "object"}}},
    "initial": "parse",
    "states": {
        "parse": {"type": "task", "action": "extract_lead", "input": {"email": "email", "raw_message": "email"},
                  "output": "parsed"},
        "done": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "parse", "trigger": "done", "dest": "done"},
        {"source": "parse", "trigger": "error", "dest": "failed"},
    ],
}


def test_when_several_flows_run_the_action_the_analyst_chooses_whose_input_and_output_to_copy(
        sign_in: SignIn, server: LiveServer) -> None:
    token = server.token("analyst")  # the session's analyst may publish too
    published = server.api("POST", "/api/drafts", {"content": OTHER_USE}, token=token)
    server.api("POST", f"/api/drafts/{published['id']}/publish", {"confirm_replace": True}, token=token)
    analyst = open_draft(server, sign_in, {**TYPO, "id": "lead_intake_choice"})
    select_state(analyst, "extract")
    expect(analyst.locator("select[data-testid='field-action']")).to_be_visible()
    analyst.get_by_test_id("field-action").select_option("extract_lead")
    source = analyst.get_by_test_id("action-shape-source")  # lead_qualification's extract and this flow's parse
    expect(source.locator("option[value='lead_parse_alt/parse']")).to_have_count(1)
    expect(source.locator("option[value='lead_qualification/extract']")).to_have_count(1)
    source.select_option("lead_parse_alt/parse")
    use_shape = analyst.get_by_test_id("use-action-shape")
    expect(use_shape).to_have_text("Fill input and output as lead_parse_alt does")
    use_shape.click()
    expect(analyst.get_by_test_id("field-output")).to_have_value("parsed")
    keys = analyst.locator("[data-testid^='field-input-key-']").evaluate_all("els => els.map(e => e.value)")
    values = analyst.locator("[data-testid^='field-input-value-']").evaluate_all("els => els.map(e => e.value)")
    assert dict(zip(keys, values, strict=True)) == {"email": "email", "raw_message": "email"}, (keys, values)
    assert len(keys) == 2, keys
    expect(analyst.get_by_test_id("action-shape-source")).to_have_count(0)  # filled: nothing more to copy


def test_the_action_picker_comes_back_by_itself_after_an_outage(
        outage_server: LiveServer, sign_in_to: Callable[[LiveServer, str], Page]) -> None:
    draft = outage_server.api("POST", "/api/drafts", {"content": {**TYPO, "id": "lead_intake_outage"}},
                              token=outage_server.token("analyst"))
    page = sign_in_to(outage_server, "analyst")
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)
    wait_validated(page)

    outage_server.stop()
    select_state(page, "extract")  # the first task opened: the lists are asked for now, and cannot be had
    unavailable = page.get_by_test_id("catalog-unavailable")
    expect(unavailable).to_contain_text("The registered actions and agents cannot be loaded")
    expect(unavailable).to_contain_text("The server cannot be reached")
    expect(page.locator("input[data-testid='field-action']")).to_have_value("extrct_lead")  # typed meanwhile
    screenshot(page, "action-picker-unavailable")

    outage_server.start_again()
    # No click, no other state: the same inspector turns into the picker once the server answers.
    action = page.locator("select[data-testid='field-action']")
    expect(action).to_be_visible(timeout=20_000)
    expect(unavailable).to_have_count(0)
    expect(action.locator("option[value='extract_lead']")).to_have_count(1)
    expect(page.locator("select[data-testid='field-agent']")).to_be_visible()
    screenshot(page, "action-picker-back")
