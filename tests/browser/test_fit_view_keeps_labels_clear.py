"""Fit view shows the whole drawing clear of the controls drawn over the canvas: no transition's label — a guard on
a line routed round the flow's left side — lies under the zoom buttons or the minimap. The fit used to frame the
states only, so a label beside them ended under the zoom buttons at the canvas's left edge."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, laid_out, screenshot, settled_box
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


# Two checks that send the flow back to its start on a guard: ELK routes those lines round the flow's side, and their
# labels sit beside every state.
LOOPING: dict[str, Any] = {
    "id": "looping_checks",
    "title": "Looping checks",
    "initial": "collect_documents",
    "states": {
        "collect_documents": {"type": "task", "action": "score_lead"},
        "kyc_check": {"type": "choice"},
        "route_risk": {"type": "choice"},
        "approved": {"type": "final"},
        **{f"declined_{n}": {"type": "final", "outcome": "failure"} for n in range(1, 6)},
    },
    "transitions": [
        {"source": "collect_documents", "trigger": "done", "dest": "kyc_check"},
        {
            "source": "kyc_check",
            "guard": 'context.documents_missing == true && context.region == "EU"',
            "dest": "collect_documents",
        },
        {"source": "kyc_check", "dest": "route_risk"},
        {
            "source": "route_risk",
            "guard": "context.risk_score >= 80 && context.manual_review_requested",
            "dest": "collect_documents",
        },
        *({"source": "route_risk", "guard": f"context.tier == {n}", "dest": f"declined_{n}"} for n in range(1, 6)),
        {"source": "route_risk", "dest": "approved"},
    ],
}


def _covered_labels(page: Page) -> list[str]:
    overlays = [settled_box(page.locator(".react-flow__controls"))]
    if page.locator(".react-flow__minimap").count():
        overlays.append(settled_box(page.locator(".react-flow__minimap")))
    covered = []
    labels = page.locator('[data-testid^="transition-"]')
    for i in range(labels.count()):
        box = labels.nth(i).bounding_box()
        if box and any(_overlap(box, overlay) for overlay in overlays):
            covered.append(labels.nth(i).inner_text())
    return covered


@pytest.mark.parametrize("flow", ["looping_checks", "support_ticket_triage", "lead_qualification"])
@pytest.mark.parametrize("direction", ["tb", "lr"])
def test_fit_view_leaves_labels_clear_of_the_controls(
    server: LiveServer, sign_in: SignIn, flow: str, direction: str
) -> None:
    body = (
        {"content": {**LOOPING, "id": f"looping_checks_{direction}"}}
        if flow == "looping_checks"
        else {"workflow_id": flow}
    )
    draft = server.api("POST", "/api/drafts", body, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)
    page.get_by_test_id(f"direction-{direction}").click()
    laid_out(page)
    expect(page.locator('[data-testid="canvas"][data-routed="true"]')).to_have_count(1)
    page.get_by_test_id("fit-view").click()
    page.wait_for_timeout(500)
    settled_box(page.locator(".react-flow__viewport"))
    screenshot(page, f"fit-view-{flow}-{direction}")
    assert _covered_labels(page) == []
    # every line and label in the clear part of the canvas: right of the zoom buttons' column, inside the pane
    pane = settled_box(page.locator('[data-testid="canvas"] .react-flow'))
    controls = settled_box(page.locator(".react-flow__controls"))
    drawn = page.locator(
        '[data-testid="canvas"] .react-flow__edge-path, [data-testid="canvas"] [data-testid^="transition-"]'
    )
    for i in range(drawn.count()):
        box = drawn.nth(i).bounding_box()
        assert box is not None
        assert box["x"] >= controls["x"] + controls["width"], (
            f"{drawn.nth(i).get_attribute('d') or drawn.nth(i).inner_text()} runs into the controls' column"
        )
        assert box["x"] + box["width"] <= pane["x"] + pane["width"] + 0.5
