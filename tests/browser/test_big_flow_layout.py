"""A big flow without saved positions (160 states, above the 150 from which the server lays flows out) opens
laid out by the server's Graphviz rather than by ELK in the browser (ELK's worker is not even loaded): every
state has its place, the states drawn do not overlap, each step leads down the page (or across it, after the
direction toggle), and the transitions follow the server's routes."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from browser_steps import SignIn, screenshot, settled_box, state
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


def open_laid_out(server: LiveServer, sign_in: SignIn, flow: dict[str, Any]) -> tuple[Page, list[str]]:
    """The flow as a new draft, opened at 1440x900 and laid out; the requests the page made."""
    page = sign_in("analyst")
    page.set_viewport_size({"width": 1440, "height": 900})
    asked: list[str] = []
    page.on("request", lambda request: asked.append(f"{request.method} {request.url}"))
    draft = server.api("POST", "/api/drafts", {"content": flow}, token=server.token("analyst"))
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)
    return page, asked


def assert_laid_out_by_server(asked: list[str]) -> None:
    assert any(a.startswith("POST ") and a.endswith("/api/layout/canvas") for a in asked), "not laid out by the server"
    assert not [a for a in asked if "elk-worker" in a], "ELK was started for a flow the server lays out"


def test_big_flow_without_positions_opens_laid_out_by_the_server(server: LiveServer, sign_in: SignIn) -> None:
    page, asked = open_laid_out(server, sign_in, big_flow())
    assert_laid_out_by_server(asked)
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


def escalating_flow(size: int = 100, escalating: int = 30) -> dict[str, Any]:
    """A chain of tasks, `escalating` of them also leading to one shared escalation step (not a final), which
    leads on to the end."""
    states: dict[str, Any] = {}
    transitions: list[dict[str, Any]] = []
    chain = size - 3
    every = max(1, chain // escalating)
    for i in range(chain):
        sid, nxt = f"s{i}", (f"s{i + 1}" if i + 1 < chain else "done")
        states[sid] = {"type": "task", "title": f"Step {i}", "action": f"step_{i}"}
        transitions.append({"source": sid, "trigger": "done", "dest": nxt})
        if i % every == 0:
            transitions.append({"source": sid, "trigger": "error", "dest": "escalate"})
    states["escalate"] = {"type": "task", "title": "Escalate to a person", "action": "escalate"}
    states["done"] = {"type": "final", "outcome": "success"}
    states["failed"] = {"type": "final", "outcome": "failure"}
    transitions += [{"source": "escalate", "trigger": "done", "dest": "done"},
                    {"source": "escalate", "trigger": "error", "dest": "failed"}]
    return {"id": "escalating", "title": "Many steps escalating to one", "initial": "s0", "states": states,
            "transitions": transitions}


def test_a_flow_with_a_shared_escalation_step_is_laid_out_by_the_server(server: LiveServer,
                                                                          sign_in: SignIn) -> None:
    """100 states, 30 of them leading to one escalation step: ELK in the browser took 82 s on such a flow (and
    overflowed its stack at 150 states and 60 such edges); the server sets the shared step apart instead."""
    page, asked = open_laid_out(server, sign_in, escalating_flow())
    assert_laid_out_by_server(asked)
    placed = flow_positions(page)  # a flow under 120 states has every state in the page
    assert len(placed) == 100
    chain = [placed[f"s{i}"] for i in range(97)]
    assert all(a[1] < b[1] for a, b in pairwise(chain)), "the chain does not run down the page"
    assert placed["escalate"][0] > max(x for x, _ in chain), "the shared step is not set apart beside the chain"
    assert overlapping(drawn_boxes(page)) == []
    page.get_by_test_id("canvas-search").fill("escalate")
    page.get_by_test_id("canvas-search").press("Enter")
    page.wait_for_timeout(500)
    screenshot(page, "big-flow-shared-escalation")


def flow_positions(page: Page) -> dict[str, tuple[float, float]]:
    """Each drawn state's place on the canvas (flow coordinates, from React Flow's transform)."""
    script = r"""() => Object.fromEntries([...document.querySelectorAll('.react-flow__node-state')].map((n) => {
      const m = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec(n.style.transform);
      return [n.dataset.id, m ? [Number(m[1]), Number(m[2])] : null]; }))"""
    found: dict[str, list[float] | None] = page.evaluate(script)
    return {sid: (xy[0], xy[1]) for sid, xy in found.items() if xy is not None}
