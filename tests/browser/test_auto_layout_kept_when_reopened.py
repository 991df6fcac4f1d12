"""A flow laid out with Auto-layout, saved and published, looks and measures the same when opened again — as a draft
of the published version, or by someone else: its transitions are drawn on the layout's routes, not snaking
between handles. It used to reopen with "Hard to read: 9 lines run through states, 3 pairs of lines cross." over
the very positions Auto-layout had just saved (Auto-layout again changed nothing and the note went)."""

from __future__ import annotations

import json
import re

import pytest
from browser_steps import SignIn, laid_out, screenshot
from live_server import ROOT, LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _settled(page: Page) -> None:
    laid_out(page)
    expect(page.locator('[data-testid="canvas"][data-routed="true"]')).to_have_count(1)
    page.wait_for_timeout(800)  # the drawing is weighed after it is drawn


def _edge_paths(page: Page) -> list[list[str | float]]:
    """Each transition's line: its commands and coordinates."""
    paths: list[str] = page.locator(".react-flow__edge-path").evaluate_all(
        "paths => paths.map(p => p.getAttribute('d'))"
    )
    return [
        [float(t) if t[0].isdigit() or t[0] == "-" else t for t in re.findall(r"-?\d+(?:\.\d+)?|[A-Za-z]", d)]
        for d in paths
    ]


def _same_lines(a: list[list[str | float]], b: list[list[str | float]]) -> bool:
    """The same lines, on the same routes (saved places are whole pixels: a coordinate may move by one)."""

    def same(x: str | float, y: str | float) -> bool:
        return x == y if isinstance(x, str) or isinstance(y, str) else abs(x - y) <= 1.5

    return len(a) == len(b) and all(
        len(p) == len(q) and all(same(x, y) for x, y in zip(p, q, strict=True)) for p, q in zip(a, b, strict=True)
    )


@pytest.mark.parametrize(("flow", "direction"), [("customer_escalation", "TB"), ("sales_squad", "LR")])
def test_an_auto_laid_out_flow_reopens_as_it_was_drawn(
    server: LiveServer, sign_in: SignIn, flow: str, direction: str
) -> None:
    token = server.token("analyst")
    page = sign_in("analyst")
    # as the analyst wrote it (the published version spells out every default)
    content = json.loads((ROOT / "definitions" / "workflows" / f"{flow}.json").read_text())
    flow_id = content["id"] = f"{flow}_{direction.lower()}_reopened"
    draft = server.api("POST", "/api/drafts", {"content": content}, token=token)
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)
    page.get_by_test_id(f"direction-{direction.lower()}").click()
    page.get_by_test_id("auto-layout").click()
    expect(page.get_by_test_id("unsaved")).to_be_visible()
    _settled(page)
    expect(page.get_by_test_id("canvas-tangled")).to_have_count(0)
    after_layout = _edge_paths(page)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("unsaved")).to_have_count(0)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", token=token)

    again = server.api("POST", "/api/drafts", {"workflow_id": flow_id}, token=token)  # "Edit as draft"
    other = sign_in("writer")  # whose browser prefers the other direction
    opposite = "TB" if direction == "LR" else "LR"
    other.evaluate(f"localStorage.setItem('statewright.layoutDirection', '{opposite}')")
    other.goto(f"/drafts/{again['id']}")
    _settled(other)
    screenshot(other, f"auto-layout-reopened-{direction}")
    expect(other.get_by_test_id("canvas-tangled")).to_have_count(0)
    expect(other.get_by_test_id("canvas")).to_have_attribute("data-direction", direction)
    assert _same_lines(_edge_paths(other), after_layout)
