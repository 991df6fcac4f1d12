"""The Paths panel: each path's time and cost on a shipped flow; selecting one outlines it on the canvas and
colours its states by worst-case time or cost; a draft's sla shows as sla-at-risk among the Problems."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from browser_steps import SignIn, fill_field, open_draft, screenshot, state
from docs_screens import save_doc_screenshot
from live_server import LiveServer
from playwright.sync_api import expect

from definitions import WORKFLOWS_DIR

pytestmark = pytest.mark.browser

TRIAGE = json.loads((Path(WORKFLOWS_DIR) / "support_ticket_triage.json").read_text(encoding="utf-8"))


def test_paths_of_a_published_flow_are_listed_and_one_is_drawn(sign_in: SignIn) -> None:
    page = sign_in("viewer")
    page.goto("/definitions/support_ticket_triage")
    panel = page.get_by_test_id("paths-panel")
    expect(panel.get_by_test_id("path-10")).to_be_visible()
    critical = panel.locator('[data-critical="true"]')
    expect(critical).to_have_count(1)
    expect(critical).to_contain_text("respond -error→ escalate → escalated")
    expect(critical.get_by_test_id("path-time")).to_contain_text("time 0 s to 31 min 46 s")

    critical.click()
    expect(critical).to_have_attribute("aria-pressed", "true")
    for on_path in ("classify", "priority_gate", "search_knowledge", "answer_gate", "respond", "escalate"):
        expect(state(page, on_path)).to_have_attribute("data-mark", "visited")
    expect(state(page, "escalated")).to_have_attribute("data-mark", "current")
    expect(state(page, "resolved")).to_have_attribute("data-mark", "")
    # respond: 30 s an attempt; a provider's transient kinds 8 attempts, waits 2, 4, … 32 s, then 60 s twice, at
    # most x1.5 with jitter and never past 60 s (213 s); a tool's error 2 more attempts after 1 and 2 s (4.5 s):
    # 10 attempts (300 s) and 217.5 s of waits
    expect(page.get_by_test_id("heat-respond")).to_contain_text("≤ 8 min 38 s")
    expect(page.get_by_test_id("heat-priority_gate")).to_have_attribute("data-level", "0.00")  # a choice takes no time
    save_doc_screenshot(page, "designer-paths")

    page.get_by_test_id("paths-colour").select_option("cost")
    expect(page.get_by_test_id("heat-respond")).to_contain_text("$")
    page.get_by_test_id("paths-colour").select_option("off")
    expect(page.locator(".state-heat")).to_have_count(0)
    critical.click()
    expect(state(page, "respond")).to_have_attribute("data-mark", "")


def test_a_drafts_sla_is_at_risk_in_problems_and_on_its_paths(server: LiveServer, sign_in: SignIn) -> None:
    flow = {**TRIAGE, "id": "triage_with_sla"}
    draft = server.api("POST", "/api/drafts", {"content": flow}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(page.get_by_test_id("findings-panel")).to_have_attribute("data-empty", "true")
    fill_field(page, "workflow-sla", "PT3M")  # the workflow inspector, nothing being selected
    finding = page.get_by_test_id("finding-sla-at-risk")
    expect(finding).to_contain_text("can take longer than the workflow's sla of PT3M")
    page.get_by_test_id("panel-paths").click()
    panel = page.get_by_test_id("paths-panel")
    expect(panel.get_by_test_id("paths-basis")).to_contain_text("SLA 3 min")
    expect(panel.locator(".path-sla")).to_have_count(10)  # every path: classify alone may retry for minutes
    panel.get_by_test_id("path-10").click()
    expect(state(page, "classify")).to_have_attribute("data-mark", "visited")
    expect(state(page, "failed")).to_have_attribute("data-mark", "current")
    screenshot(page, "paths-panel-draft-sla")


def _without_handlers() -> dict[str, Any]:
    """A flow as an ASL import brings it: its tasks' actions (Lambda functions) have no handler on this server."""
    return {
        "id": f"imported_order_{uuid.uuid4().hex[:8]}", "title": "Imported order", "initial": "fetch_order",
        "states": {"fetch_order": {"type": "task", "action": "lambda_fetch_order", "timeout_s": 30,
                                   "retry": {"max_attempts": 2}},
                   "in_stock": {"type": "choice"},
                   "ship": {"type": "task", "action": "lambda_ship", "timeout_s": 60},
                   "shipped": {"type": "final", "outcome": "success"},
                   "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "fetch_order", "trigger": "done", "dest": "in_stock"},
                        {"source": "fetch_order", "trigger": "error", "dest": "failed"},
                        {"source": "in_stock", "dest": "ship", "guard": "context.in_stock == true", "priority": 1},
                        {"source": "in_stock", "dest": "failed"},
                        {"source": "ship", "trigger": "done", "dest": "shipped"},
                        {"source": "ship", "trigger": "error", "dest": "failed"}],
    }


def test_a_flow_whose_actions_have_no_handler_here_shows_its_paths(server: LiveServer, sign_in: SignIn) -> None:
    """unknown-action is an error, but not one path analysis depends on (POST /api/paths loads the flow without
    the actions, as `statewright analyze --paths` does): the panel measures it and says the errors remain."""
    page = open_draft(server, sign_in, _without_handlers(), showing="fetch_order")
    expect(page.get_by_test_id("finding-unknown-action")).to_have_count(2)
    page.get_by_test_id("panel-paths").click()
    panel = page.get_by_test_id("paths-panel")
    expect(panel.locator(".path-row")).to_have_count(4)
    expect(panel.get_by_test_id("path-1")).to_be_visible()
    expect(page.get_by_test_id("paths-need-valid")).to_have_count(0)
    expect(page.get_by_test_id("paths-errors-remain")).to_have_text(
        "Measured although 2 errors remain that the paths do not depend on: this server has no handler for the "
        "actions of fetch_order and ship. They stay among the Problems, and publishing here waits for them.")
    critical = panel.locator('[data-critical="true"]')
    critical.click()
    expect(state(page, "fetch_order")).to_have_attribute("data-mark", "visited")
    screenshot(page, "paths-panel-actions-without-handler")


def test_a_flow_with_an_error_paths_depend_on_is_not_measured(server: LiveServer, sign_in: SignIn) -> None:
    flow = _without_handlers()
    flow["states"]["ship"]["agent"] = "nobody_here"  # unknown-agent: its price is what the cost is measured by
    page = open_draft(server, sign_in, flow, showing="fetch_order")
    page.get_by_test_id("panel-paths").click()
    expect(page.get_by_test_id("paths-need-valid")).to_have_text(
        "Paths are measured once the workflow has no errors other than actions with no handler on this server.")
    expect(page.get_by_test_id("paths-panel")).to_have_count(0)
