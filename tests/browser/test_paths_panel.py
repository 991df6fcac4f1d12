"""The Paths panel: each path's time and cost on a shipped flow; selecting one outlines it on the canvas and
colours its states by worst-case time or cost; a draft's sla shows as sla-at-risk among the Problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_steps import SignIn, fill_field, screenshot, state
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
    expect(critical.get_by_test_id("path-time")).to_contain_text("time 0 s to 5 min 53 s")

    critical.click()
    expect(critical).to_have_attribute("aria-pressed", "true")
    for on_path in ("classify", "priority_gate", "search_knowledge", "answer_gate", "respond", "escalate"):
        expect(state(page, on_path)).to_have_attribute("data-mark", "visited")
    expect(state(page, "escalated")).to_have_attribute("data-mark", "current")
    expect(state(page, "resolved")).to_have_attribute("data-mark", "")
    # respond: 3 attempts of 30 s, and waits of 1 s and 2 s at most x1.5 with jitter: 94.5 s
    expect(page.get_by_test_id("heat-respond")).to_contain_text("≤ 1 min 35 s")
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
    expect(panel.locator(".path-sla")).to_have_count(9)  # all but the 1 min 39 s path that fails at classify
    panel.get_by_test_id("path-10").click()
    expect(state(page, "classify")).to_have_attribute("data-mark", "visited")
    expect(state(page, "failed")).to_have_attribute("data-mark", "current")
    screenshot(page, "paths-panel-draft-sla")
