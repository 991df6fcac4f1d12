"""A shipped flow, as a reviewer reads it on its definition page: the deployed definition comes back with its
states in key order (not the order they were written), and the canvas still lays it out the way the flow
runs — every transition of customer_escalation (which has no loop) leads down the page, or across it after
the direction toggle; no line runs through a state; each transition's label sits on its own line, the
edges of a many-source transition included."""

from __future__ import annotations

import json

import pytest
from browser_steps import SignIn, paste_json, screenshot
from canvas_geometry import edges_through_states
from live_server import ROOT, LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# Each drawn edge's two ends, in screen pixels, from the start of its path to the tip of its arrow.
_EDGE_ENDS = """
() => [...document.querySelectorAll('.react-flow__edge')].map((edge) => {
  const path = edge.querySelector('path.react-flow__edge-path');
  const matrix = path.getScreenCTM();
  const at = (t) => { const p = path.getPointAtLength(t); return new DOMPoint(p.x, p.y).matrixTransform(matrix); };
  const start = at(0), end = at(path.getTotalLength());
  return { id: edge.dataset.id, start: { x: start.x, y: start.y }, end: { x: end.x, y: end.y } };
})
"""

# How far (screen px) each shown label's centre is from its own edge's line, sampled every 2 px.
_LABEL_DISTANCES = """
() => [...document.querySelectorAll('.transition-label[data-edge-id]')].map((label) => {
  const id = label.dataset.edgeId;
  const edge = [...document.querySelectorAll('.react-flow__edge')].find((e) => e.dataset.id === id);
  const path = edge && edge.querySelector('path.react-flow__edge-path');
  if (!path) return { id, distance: Infinity };
  const r = label.getBoundingClientRect();
  const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  const matrix = path.getScreenCTM();
  let best = Infinity;
  for (let t = 0; t <= path.getTotalLength(); t += 2) {
    const p = new DOMPoint(path.getPointAtLength(t).x, path.getPointAtLength(t).y).matrixTransform(matrix);
    best = Math.min(best, Math.hypot(p.x - cx, p.y - cy));
  }
  return { id, distance: best };
})
"""


def open_definition(page: Page, workflow_id: str) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"/definitions/{workflow_id}")
    laid_out(page)


def laid_out(page: Page) -> None:
    ready = '[data-testid="canvas"][data-layout="ready"][data-routed="true"]'
    expect(page.locator(ready)).to_be_visible(timeout=30_000)
    page.wait_for_timeout(400)


def edges_against_the_flow(page: Page, axis: str) -> list[str]:
    """The edges whose arrow ends above (TB: axis 'y') or left of (LR: axis 'x') where the edge starts."""
    ends = page.evaluate(_EDGE_ENDS)
    assert len(ends) >= 30, f"only {len(ends)} transitions drawn"
    return [e["id"] for e in ends if e["end"][axis] <= e["start"][axis] + 1]


def labels_off_their_edges(page: Page, within: float = 6) -> list[str]:
    distances = page.evaluate(_LABEL_DISTANCES)
    assert len(distances) >= 30, f"only {len(distances)} labels shown"
    return [f"{d['id']} {d['distance']:.0f}px" for d in distances if d["distance"] > within]


def test_customer_escalation_reads_down_the_page_as_it_runs(sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_definition(page, "customer_escalation")
    screenshot(page, "shipped-customer-escalation-top-down")
    assert edges_against_the_flow(page, "y") == [], "transitions drawn up the page"
    assert edges_through_states(page) == []
    assert labels_off_their_edges(page) == []

    page.get_by_test_id("direction-lr").click()
    expect(page.get_by_test_id("canvas")).to_have_attribute("data-direction", "LR")
    laid_out(page)
    screenshot(page, "shipped-customer-escalation-left-right")
    assert edges_against_the_flow(page, "x") == [], "transitions drawn leftwards"
    assert edges_through_states(page) == []
    assert labels_off_their_edges(page) == []
    page.get_by_test_id("direction-tb").click()


def test_a_flow_pasted_whole_into_the_json_view_is_laid_out_at_once(server: LiveServer, sign_in: SignIn) -> None:
    """Replacing a draft's whole text with a flow that has no saved positions (customer_escalation, with the
    draft's id) lays it out as soon as the diagram shows: not in a grid until the draft is saved and opened
    again."""
    draft = server.api("POST", "/api/drafts", {"content": {
        "id": "pasted_escalation", "title": "Pasted", "initial": "a",
        "states": {"a": {"type": "final"}}, "transitions": [], "layout": {"a": {"x": 0, "y": 0}},
    }}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"/drafts/{draft['id']}")
    expect(page.get_by_test_id("state-a")).to_be_visible()
    flow = json.loads((ROOT / "definitions" / "workflows" / "customer_escalation.json").read_text())
    page.get_by_test_id("view-json").click()
    paste_json(page, json.dumps({**flow, "id": "pasted_escalation"}, indent=2))
    expect(page.get_by_text(f"{len(flow['states'])} states, {len(flow['transitions'])} transitions")).to_be_visible()

    page.get_by_test_id("view-diagram").click()
    laid_out(page)
    screenshot(page, "json-pasted-flow-laid-out")
    assert edges_against_the_flow(page, "y") == [], "transitions drawn up the page"
    assert edges_through_states(page) == []
