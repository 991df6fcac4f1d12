"""A big flow without saved positions (160 states, above the 150 from which the server lays flows out) opens
laid out by the server's Graphviz rather than by ELK in the browser (ELK's worker is not even loaded): every
state has its place, the states drawn do not overlap, each step leads down the page (or across it, after the
direction toggle), and the transitions follow the server's routes."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, settled_box, state
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SIZE = 160


def big_flow(size: int = SIZE) -> dict[str, Any]:
    """A chain of tasks, each with an error path to one final state, and a choice every tenth state."""
    states: dict[str, Any] = {}
    transitions: list[dict[str, Any]] = []
    for i in range(size - 2):
        sid, nxt = f"s{i}", (f"s{i + 1}" if i + 1 < size - 2 else "done")
        if i % 10 == 9:
            states[sid] = {"type": "choice", "title": f"Route {i}"}
            transitions += [
                {"source": sid, "dest": nxt, "guard": f"size > {i}", "priority": 1},
                {"source": sid, "dest": "failed"},
            ]
        else:
            states[sid] = {"type": "task", "title": f"Step {i}", "action": f"step_{i}", "output": f"r{i}"}
            transitions += [
                {"source": sid, "trigger": "done", "dest": nxt},
                {"source": sid, "trigger": "error", "dest": "failed"},
            ]
    states["done"] = {"type": "final", "outcome": "success"}
    states["failed"] = {"type": "final", "outcome": "failure"}
    return {
        "id": "big_unplaced",
        "title": "A big flow without positions",
        "initial": "s0",
        "context": {"type": "object", "properties": {"size": {"type": "integer"}}},
        "states": states,
        "transitions": transitions,
    }


def drawn_boxes(page: Page) -> dict[str, dict[str, float]]:
    script = """() => Object.fromEntries([...document.querySelectorAll('.react-flow__node-state')].map((n) => {
      const r = n.getBoundingClientRect(); return [n.dataset.id, {x: r.x, y: r.y, w: r.width, h: r.height}]; }))"""
    boxes: dict[str, dict[str, float]] = page.evaluate(script)
    return boxes


def overlapping(boxes: dict[str, dict[str, float]]) -> list[tuple[str, str]]:
    ids = sorted(boxes)
    hit = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            p, q = boxes[a], boxes[b]
            across = p["x"] < q["x"] + q["w"] and q["x"] < p["x"] + p["w"]
            if across and p["y"] < q["y"] + q["h"] and q["y"] < p["y"] + p["h"]:
                hit.append((a, b))
    return hit


def laid_out(page: Page) -> None:
    ready = '[data-testid="canvas"][data-layout="ready"][data-routed="true"]'
    expect(page.locator(ready)).to_be_visible(timeout=60_000)
    page.wait_for_timeout(400)


def test_big_flow_without_positions_opens_laid_out_by_the_server(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    page.set_viewport_size({"width": 1440, "height": 900})
    asked: list[str] = []
    page.on("request", lambda request: asked.append(f"{request.method} {request.url}"))
    draft = server.api("POST", "/api/drafts", {"content": big_flow()}, token=server.token("analyst"))
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)

    assert any(a.startswith("POST ") and a.endswith("/api/layout/canvas") for a in asked), "not laid out by the server"
    assert not [a for a in asked if "elk-worker" in a], "ELK was started for a big flow"
    boxes = drawn_boxes(page)
    assert len(boxes) >= 5, "too few states drawn at fit"
    assert overlapping(boxes) == []
    first, second = settled_box(state(page, "s0")), settled_box(state(page, "s1"))
    assert first["y"] + first["height"] <= second["y"], "the second step is not below the first"
    assert page.locator(".react-flow__edge").count() > 0, "no transitions drawn"

    page.get_by_test_id("direction-lr").click()
    expect(page.get_by_test_id("canvas")).to_have_attribute("data-direction", "LR")
    laid_out(page)
    assert not [a for a in asked if "elk-worker" in a]
    assert overlapping(drawn_boxes(page)) == []
    first, second = settled_box(state(page, "s0")), settled_box(state(page, "s1"))
    assert first["x"] + first["width"] <= second["x"], "the second step is not right of the first"
    page.get_by_test_id("direction-tb").click()
