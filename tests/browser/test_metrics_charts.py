"""The Metrics page draws what people look at, beside the KPI tables: instances started and ended over time,
cost per workflow and per agent, and how long instances and approvals take (median, p90, p99)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from docs_screens import save_doc_screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def _example(name: str) -> dict[str, Any]:
    flow = json.loads((ROOT / "definitions/workflows/lead_qualification.json").read_text())
    found: dict[str, Any] = next(e for e in flow["examples"] if e["name"] == name)["context"]
    return found


def test_the_metrics_page_charts_instances_cost_and_durations(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    for _ in range(3):
        server.api("POST", "/api/instances", {"workflow_id": "lead_qualification",
                                              "context": _example("vp_at_acme_books_meeting")}, token=token)
    page = sign_in("analyst")
    page.get_by_test_id("nav-metrics").click()
    expect(page.get_by_test_id("metrics-table").get_by_test_id("metrics-row-lead_qualification")).to_be_visible()
    charts = page.get_by_test_id("metrics-charts")
    expect(charts).to_be_visible()
    expect(page.get_by_test_id("chart-instances").locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("chart-cost-workflow").get_by_test_id("cost-bar")).to_contain_text(["lead_qualification"])
    expect(page.get_by_test_id("chart-cost-agent-values")).to_contain_text("bdr_concierge")
    durations = page.get_by_test_id("duration-spread")
    expect(durations).to_contain_text("lead_qualification")
    box = page.get_by_test_id("chart-instances").bounding_box()
    assert box is not None
    assert (box["width"] > 300, box["height"] > 150) == (True, True)
    charts.scroll_into_view_if_needed()
    screenshot(page, "metrics-charts")
    save_doc_screenshot(page, "designer-metrics")
