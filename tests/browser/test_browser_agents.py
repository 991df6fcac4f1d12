"""Agents in the browser: the tool calls a task's action made, on the instance timeline, and an agent that needs a
person's approval before it acts, in the simulator and in the approvals inbox.

The lead-qualification flow runs the offline BDR handlers, which record each tool call (`crm.contacts.search`, ...)
with the attempt that made it. The gated agent and its flow are deployed with `statewright deploy` into the
server's database (the designer does not edit agents); the designer then checks flows against it as deploy does.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import ROOT, LiveServer
from must_run import unavailable
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

LEAD = {
    "email": "john.doe@acme.com",
    "name": "John Doe",
    "title": "VP Sales",
    "company": "Acme Corp",
    "company_size": 500,
    "use_case": "sales automation",
    "timeline_days": 30,
    "source": "web_form",
    "raw_message": "We want to automate lead qualification for our 40-person SDR team this quarter.",
}
GATED_AGENT = {
    "id": "gated_booker",
    "type": "bdr",
    "version": "1.0.0",
    "name": "Gated Booker",
    "role": "Checks the CRM for a lead, only once a sales manager said so.",
    "tools": ["crm.contacts.search"],
    "actions": ["search_crm_duplicates"],
    "policies": {"approval_required": True, "approvers": {"roles": ["sales_manager"]}, "timeout_seconds": 60},
}
GATED_FLOW = {
    "id": "agent_gate_ui",
    "version": 1,
    "title": "CRM check by an agent that asks first",
    "initial": "check",
    "states": {
        "check": {
            "type": "task",
            "title": "Check the CRM",
            "action": "search_crm_duplicates",
            "agent": "gated_booker",
            "input": {"email": "context.email"},
            "output": "duplicate_check",
        },
        "checked": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "check", "trigger": "done", "dest": "checked"},
        {"source": "check", "trigger": "error", "dest": "refused"},
    ],
}


def test_timeline_shows_each_tool_call_of_a_finished_lead(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    started = server.api(
        "POST", "/api/instances", {"workflow_id": "lead_qualification", "version": 1, "context": LEAD}, token=token
    )
    wait_for_status(server, token, started["id"], "succeeded")
    history = server.api("GET", f"/api/instances/{started['id']}/history", token=token)["items"]
    check = next(e for e in history if e["from_state"] == "check_duplicate")

    page = sign_in("analyst")
    page.goto(f"/instances/{started['id']}")
    expect(page.get_by_test_id("instance-status")).to_have_text("succeeded")
    expect(page.get_by_test_id("timeline-row-1").get_by_test_id("tool-calls")).to_have_text("—")  # the start

    row = page.get_by_test_id(f"timeline-row-{check['seq']}")
    toggle = row.get_by_test_id("tool-calls-toggle")
    expect(toggle).to_contain_text("tool call")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id(f"timeline-attempts-{check['seq']}")).to_have_count(0)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    attempts = page.get_by_test_id(f"timeline-attempts-{check['seq']}")
    attempt = attempts.get_by_test_id("attempt")
    expect(attempt).to_have_count(1)
    expect(attempt).to_contain_text("search_crm_duplicates")
    expect(attempt).to_contain_text("bdr_concierge")
    expect(attempt).to_contain_text("succeeded")
    search = first_call(attempts, "crm.contacts.search")
    expect(search.get_by_test_id("tool-call-action")).to_have_text("crm.contacts.search")
    expect(search.get_by_test_id("tool-call-parameters")).to_contain_text('"email":"john.doe@acme.com"')
    expect(search.get_by_test_id("tool-call-parameters")).to_contain_text('"limit":1')
    expect(search).to_have_attribute("data-status", "ok")
    attempts.scroll_into_view_if_needed()
    screenshot(page, "instance-timeline-tool-calls")

    toggle.click()
    expect(page.get_by_test_id(f"timeline-attempts-{check['seq']}")).to_have_count(0)


def test_agent_approval_in_the_inbox_lets_the_instance_go_on(
    server: LiveServer, sign_in: SignIn, tmp_path: Path
) -> None:
    if server.log_path is None:
        unavailable("deploying the gated agent needs the database of a server this test run started")
    database = f"sqlite:///{server.log_path.parent / 'statewright.db'}"
    deploy(tmp_path, database, agent=GATED_AGENT, workflow=GATED_FLOW)
    simulate_the_gate(sign_in("analyst"))
    token = server.token("analyst")
    started = server.api(
        "POST",
        "/api/instances",
        {"workflow_id": GATED_FLOW["id"], "context": {"email": "jane.smith@globex.com"}},
        token=token,
    )
    wait_for_status(server, token, started["id"], "held")

    approver = sign_in("approver")
    approver.get_by_test_id("nav-inbox").click()
    card = approver.get_by_test_id(f"approval-{GATED_FLOW['id']}")
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-kind", "agent")
    expect(card.get_by_test_id("approval-kind")).to_have_text("Agent approval")
    expect(card.get_by_test_id("agent-name")).to_have_text("Gated Booker")
    expect(card.get_by_test_id("agent-action")).to_have_text("search_crm_duplicates")
    card.click()
    detail = approver.get_by_test_id("approval-detail")
    expect(detail).to_have_attribute("data-kind", "agent")
    expect(detail.get_by_test_id("approval-title")).to_have_text(
        "Agent approval: Gated Booker wants to run search_crm_duplicates"
    )
    expect(detail.get_by_test_id("agent-reason")).to_contain_text("requires a person's approval")
    expect(detail.get_by_test_id("agent-input")).to_contain_text("jane.smith@globex.com")
    expect(detail.get_by_test_id("approval-request")).to_have_count(0)  # not the generic fields of a state
    screenshot(approver, "inbox-agent-approval")

    approver.get_by_test_id("approve").click()
    expect(approver.get_by_test_id("inbox-message")).to_contain_text(
        "Approved: Gated Booker running search_crm_duplicates"
    )
    expect(approver.get_by_test_id(f"approval-{GATED_FLOW['id']}")).to_have_count(0)

    wait_for_status(server, token, started["id"], "succeeded")
    analyst = sign_in("analyst")
    analyst.goto(f"/instances/{started['id']}")
    expect(analyst.get_by_test_id("instance-state")).to_have_text("checked")
    toggle = analyst.get_by_test_id("timeline").get_by_test_id("tool-calls-toggle")
    expect(toggle).to_have_count(1)
    toggle.click()
    search = first_call(analyst.get_by_test_id("timeline"), "crm.contacts.search")
    expect(search.get_by_test_id("tool-call-parameters")).to_contain_text("jane.smith@globex.com")
    expect(analyst.get_by_test_id("timeline").get_by_test_id("attempt")).to_contain_text("gated_booker")
    screenshot(analyst, "instance-agent-approved-tool-calls")


def simulate_the_gate(page: Page) -> None:
    """The designer's simulator holds the task at the deployed agent's gate, as the engine will."""
    page.goto(f"/definitions/{GATED_FLOW['id']}")
    page.get_by_test_id("edit-definition").click()
    page.get_by_test_id("panel-simulate").click()
    page.get_by_test_id("sim-context").fill(json.dumps({"email": "jane.smith@globex.com"}))
    page.get_by_test_id("sim-start").click()
    expect(page.get_by_test_id("sim-status")).to_contain_text("held at an approval gate")
    expect(page.get_by_test_id("sim-step-0")).to_contain_text("an approval before agent Gated Booker acts")
    screenshot(page, "simulator-agent-gate")
    page.get_by_test_id("sim-fire-approve").click()
    expect(page.get_by_test_id("sim-status")).to_contain_text("running")
    page.get_by_test_id("sim-fire-done").click()
    expect(page.get_by_test_id("sim-state")).to_have_text("checked")


def first_call(scope: Locator | Page, tool: str) -> Locator:
    return scope.locator(f'[data-testid="tool-call"][data-tool="{tool}"]').first


def deploy(folder: Path, database: str, *, agent: dict[str, Any], workflow: dict[str, Any]) -> None:
    """`statewright deploy` into the server's database: the agent first, then the flow that names it."""
    paths = []
    for kind, definition in (("agent", agent), ("workflow", workflow)):
        path = folder / f"{kind}-{definition['id']}.json"
        path.write_text(json.dumps(definition))
        paths.append(str(path))
    script = Path(sys.executable).with_name("statewright")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "designer.cli"]
    subprocess.run(
        [*command, "deploy", *paths, "--db", database], check=True, cwd=ROOT, capture_output=True, timeout=120
    )


def wait_for_status(server: LiveServer, token: str, instance_id: str, status: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    found = None
    while time.monotonic() < deadline:
        found = server.api("GET", f"/api/instances/{instance_id}", token=token)["status"]
        if found == status:
            return
        time.sleep(0.25)
    raise AssertionError(f"instance {instance_id} is {found}, not {status}, after {timeout_s} s")
