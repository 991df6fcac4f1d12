"""The designer's main story, end to end in a real browser against a real server.

An analyst builds the lead-qualification flow on an empty canvas, picking its action and agent from the
registered ones, sees a dead end flagged and fixes it, simulates it with an example, publishes it through the
confirmation dialog and starts an instance. The sales manager, whose inbox is already open, sees the request
arrive by itself and approves it, while an approver of another role never sees the request. The analyst's
instance page moves on without Refresh, shows the completed path highlighted, and exports an SVG that is a
valid diagram of the flow. Screenshots of each step go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser_steps import (
    SignIn,
    add_state,
    add_transition,
    connect_by_drag,
    fill_field,
    screenshot,
    state,
    wait_validated,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WORKFLOW_ID = "lead_qualification_ui"
STATES = ("extract", "route", "review", "booked", "rejected")
EXAMPLE = {
    "name": "big_company",
    "description": "A 500-person company: qualified, then approved by the sales manager.",
    "context": {"email": "cto@bigco.example", "company_size": 500},
    "events": [{"event": "done", "payload": {"email": "cto@bigco.example", "company_size": 500}}, {"event": "approve"}],
    "expect_state": "booked",
}
SVG = "{http://www.w3.org/2000/svg}"


def test_analyst_builds_publishes_and_runs_lead_qualification(sign_in: SignIn, tmp_path: Path) -> None:
    analyst = sign_in("analyst")
    build_on_empty_canvas(analyst)
    fix_the_dead_end(analyst)
    simulate_with_example(analyst)
    publish(analyst)
    approver = sign_in("approver")
    approver.get_by_test_id("nav-inbox").click()  # open before the request exists: it arrives by itself
    expect(approver.get_by_test_id("inbox-page")).to_be_visible()
    expect(approver.get_by_test_id(f"approval-{WORKFLOW_ID}")).to_have_count(0)
    start_instance(analyst)

    other = sign_in("other_approver")
    other.get_by_test_id("nav-inbox").click()
    expect(other.get_by_test_id("inbox-page")).to_be_visible()
    expect(other.get_by_test_id(f"approval-{WORKFLOW_ID}")).to_have_count(0)
    expect(other.get_by_test_id("inbox-empty")).to_be_visible()
    screenshot(other, "inbox-other-role-sees-nothing")

    approve_from_inbox(approver)

    # The analyst's page has stayed open on the instance: it follows the approval without Refresh.
    expect(analyst.get_by_test_id("instance-status")).to_have_text("succeeded", timeout=30_000)
    for visited in ("extract", "route", "review", "booked"):
        expect(state(analyst, visited)).to_have_attribute("data-mark", "visited")
    expect(state(analyst, "rejected")).to_have_attribute("data-mark", "")
    expect(analyst.get_by_test_id("timeline")).to_contain_text("sam")
    screenshot(analyst, "instance-completed-path")
    export_svg_and_check(analyst, tmp_path)


def build_on_empty_canvas(page: Page) -> None:
    page.get_by_test_id("new-workflow").click()
    page.get_by_test_id("new-workflow-id").fill(WORKFLOW_ID)
    page.get_by_test_id("new-workflow-title").fill("Lead qualification")
    page.get_by_test_id("create-workflow").click()
    expect(page.get_by_test_id("designer")).to_be_visible()
    expect(page.locator(".react-flow__node")).to_have_count(0)
    screenshot(page, "designer-empty-canvas")

    add_state(page, "task", "extract", title="Extract lead")
    action = page.get_by_test_id("field-action")  # picked from the registered actions, not typed
    expect(action.locator("option[value='extract_lead']")).to_have_text("extract_lead (bdr_concierge)")
    action.select_option("extract_lead")
    page.get_by_test_id("field-agent").select_option("bdr_concierge")
    expect(page.get_by_test_id("state-inspector")).to_contain_text("budget 0.25 per task")
    fill_field(page, "output", "lead")
    for name, expression in (("email", "context.email"), ("company_size", "context.company_size")):
        page.get_by_test_id("field-input-new-key").fill(name)
        page.get_by_test_id("field-input-new-value").fill(expression)
        page.get_by_test_id("field-input-add").click()
    add_state(page, "choice", "route", title="Big enough?")
    add_state(
        page,
        "approval",
        "review",
        title="Sales manager review",
        **{"approvers-roles": "sales_manager", "timeout": "PT48H"},
    )
    page.get_by_test_id("field-request-new-key").fill("company_size")
    page.get_by_test_id("field-request-new-value").fill("lead.company_size")
    page.get_by_test_id("field-request-add").click()
    add_state(page, "final", "booked", title="Meeting booked")
    add_state(page, "final", "rejected", title="Rejected", outcome="failure")

    connect_by_drag(page, "extract", "route")
    expect(page.get_by_test_id("field-trigger")).to_have_value("done")
    add_transition(page, "extract", "rejected", trigger="error")
    add_transition(page, "route", "review", guard="lead.company_size >= 50", priority="1")
    wait_validated(page)
    expect(page.get_by_test_id("guard-status")).to_contain_text("The guard is valid CEL")
    fill_field(page, "guard", "lead.company_size >=")  # a syntax error is reported live, in the field
    expect(page.get_by_test_id("guard-status")).to_have_text("The guard is not valid (see above).")
    fill_field(page, "guard", "lead.company_size >= 50")
    expect(page.get_by_test_id("guard-status")).to_contain_text("The guard is valid CEL")
    add_transition(page, "route", "rejected", **{"transition-description": "Too small: not worth a meeting."})

    page.get_by_test_id("auto-layout").click()
    expect(page.get_by_test_id("auto-layout")).to_have_text("Auto-layout")


def fix_the_dead_end(page: Page) -> None:
    wait_validated(page)
    dead_end = page.get_by_test_id("finding-dead-end")
    expect(dead_end).to_be_visible()
    expect(dead_end).to_contain_text("review")
    expect(state(page, "review")).to_have_attribute("data-mark", "error")
    screenshot(page, "designer-dead-end-flagged")

    page.get_by_test_id("publish").click()  # the dialog lists the reasons and will not publish
    refusal = page.get_by_test_id("publish-refusal")
    expect(refusal).to_contain_text("dead-end")
    expect(refusal).to_contain_text("review")
    expect(page.get_by_test_id("publish-confirm")).to_be_disabled()
    screenshot(page, "designer-publish-refused")
    page.get_by_test_id("publish-cancel").click()

    page.get_by_test_id("canvas").click(position={"x": 5, "y": 5})  # nothing selected
    dead_end.click()
    expect(page.get_by_test_id("state-inspector")).to_contain_text("review")
    add_transition(page, "review", "booked", trigger="approve")
    add_transition(page, "review", "rejected", trigger="reject")
    add_transition(page, "review", "rejected", trigger="timeout")
    wait_validated(page)
    expect(page.get_by_test_id("finding-dead-end")).to_have_count(0)
    expect(page.get_by_test_id("findings-errors")).to_have_text("0 errors")
    expect(state(page, "review")).not_to_have_attribute("data-mark", "error")


def simulate_with_example(page: Page) -> None:
    page.get_by_test_id("canvas").click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    examples = page.get_by_test_id("field-examples")
    examples.fill(json.dumps([EXAMPLE], indent=2))
    schema = page.get_by_test_id("field-context-schema")
    schema.fill(
        json.dumps(
            {
                "type": "object",
                "properties": {"email": {"type": "string"}, "company_size": {"type": "integer"}},
                "required": ["email"],
            },
            indent=2,
        )
    )
    wait_validated(page)

    page.get_by_test_id("panel-simulate").click()
    page.get_by_test_id("sim-example").select_option("big_company")
    page.get_by_test_id("sim-run-example").click()
    expect(page.get_by_test_id("sim-state")).to_have_text("booked")
    expect(page.get_by_test_id("sim-status")).to_contain_text("finished: success")
    expect(page.get_by_test_id("sim-steps")).to_contain_text("lead.company_size >= 50")
    expect(page.get_by_test_id("sim-guard").first).to_contain_text("true")
    expect(state(page, "booked")).to_have_attribute("data-mark", "current")
    expect(state(page, "review")).to_have_attribute("data-mark", "visited")
    page.get_by_test_id("fit-view").click()
    page.wait_for_timeout(400)  # the fit is animated
    screenshot(page, "designer-simulation")
    page.get_by_test_id("panel-inspect").click()


def publish(page: Page) -> None:
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("designer-message")).to_contain_text("Draft saved")
    expect(page.get_by_test_id("designer")).to_have_attribute("data-dirty", "false")
    page.get_by_test_id("fit-view").click()
    page.wait_for_timeout(400)
    screenshot(page, "designer-lead-qualification")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("publish-diff")).to_contain_text("A new workflow")
    expect(page.get_by_test_id("publish-findings")).to_contain_text("0 errors")
    screenshot(page, "designer-publish-dialog")
    page.get_by_test_id("publish-confirm").click()
    expect(page.get_by_test_id("published-notice")).to_contain_text("Version 1 is published")
    expect(page).to_have_url(re.compile(rf"/definitions/{WORKFLOW_ID}"))
    for state_id in STATES:
        expect(state(page, state_id)).to_be_visible()
    screenshot(page, "definition-published")


def start_instance(page: Page) -> str:
    page.get_by_test_id("start-instance").click()
    expect(page.get_by_test_id("start-form")).to_be_visible()
    page.get_by_test_id("start-example").select_option("big_company")
    page.get_by_test_id("start-confirm").click()
    expect(page.get_by_test_id("instance-page")).to_be_visible()
    url = page.url
    # The worker runs the task after the page first loads; no Refresh: the page follows by itself.
    expect(page.get_by_test_id("instance-state")).to_have_text("review", timeout=30_000)
    expect(page.get_by_test_id("pending-approvals")).to_contain_text("sales_manager")
    expect(state(page, "review")).to_have_attribute("data-mark", "current")
    screenshot(page, "instance-waiting-for-approval")
    return url


def approve_from_inbox(page: Page) -> None:
    request = page.get_by_test_id(f"approval-{WORKFLOW_ID}")
    expect(request).to_have_count(1)
    request.click()
    detail = page.get_by_test_id("approval-detail")
    expect(detail).to_contain_text("Sales manager review")
    expect(page.get_by_test_id("approval-request")).to_contain_text("500")
    expect(page.get_by_test_id("approval-context")).to_contain_text("cto@bigco.example")
    page.get_by_test_id("decision-comment").fill("Big account, go ahead.")
    screenshot(page, "inbox-approval-detail")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("inbox-message")).to_contain_text("Approved")
    expect(page.get_by_test_id(f"approval-{WORKFLOW_ID}")).to_have_count(0)
    page.get_by_test_id("tab-decisions").click()
    expect(page.get_by_test_id("decisions-table")).to_contain_text("Big account, go ahead.")
    screenshot(page, "inbox-my-decisions")


def export_svg_and_check(page: Page, tmp_path: Path) -> None:
    with page.expect_download() as info:
        page.get_by_test_id("export-svg").click()
    target = tmp_path / "diagram.svg"
    info.value.save_as(target)
    root = ET.parse(target).getroot()
    assert root.tag == f"{SVG}svg"
    nodes = [g for g in root.iter(f"{SVG}g") if "node" in (g.get("class") or "").split()]
    drawn = " ".join(" ".join(t.text or "" for t in g.iter()) for g in nodes)
    for state_id in STATES:
        assert state_id in drawn, f"the state {state_id} is not drawn: {drawn[:300]}"
    edges = [g for g in root.iter(f"{SVG}g") if "edge" in (g.get("class") or "").split()]
    assert len(edges) >= 8, f"expected the 8 transitions, found {len(edges)} edges"
    text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for label in ("approve", "reject", "done", "company_size"):
        assert label in text, f"the label {label!r} is missing from the diagram"
