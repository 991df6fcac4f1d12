"""A flow built from the palette stays readable without Auto-layout. A new state used to be dropped near the middle
of the view, beside whatever was there — on other states' transitions, its label hidden under it — so a 24-state
flow built that way could not be read until Auto-layout. It now goes after the state selected (below it top-down,
right of it left-right), in free space clear of every state, line and label; and a drawing that is tangled all the
same (states moved by hand, a layout saved before the flow changed) says so above the diagram and offers
Auto-layout, which Undo takes back."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import (
    SignIn,
    add_state,
    add_transition,
    laid_out,
    screenshot,
    select_state,
    settled_box,
    state,
)
from canvas_geometry import edges_through_states
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# States closer than 6 px to each other, and labels over a state or over each other: "a / b".
_CROWDED = """
() => {
  const shown = (b) => b.r.width > 0 && b.r.height > 0;
  const states = [...document.querySelectorAll('.react-flow__node')]
    .map((n) => ({ name: n.dataset.id, r: n.getBoundingClientRect() })).filter(shown);
  const labels = [...document.querySelectorAll('.transition-label')]
    .map((l) => ({ name: l.innerText.replace(/\\s+/g, ' '), r: l.getBoundingClientRect() })).filter(shown);
  const within = (a, b, gap) =>
    a.left < b.right + gap && b.left < a.right + gap && a.top < b.bottom + gap && b.top < a.bottom + gap;
  const found = [];
  const check = (a, b, gap) => { if (within(a.r, b.r, gap)) found.push(`${a.name} / ${b.name}`); };
  states.forEach((a, i) => states.slice(i + 1).forEach((b) => check(a, b, 6)));
  labels.forEach((a, i) => {
    states.forEach((b) => check(a, b, -1));
    labels.slice(i + 1).forEach((b) => check(a, b, -1));
  });
  return found;
}
"""


def crowded(page: Page) -> list[str]:
    """States closer than 6 px to another state, labels over a state or another label."""
    return [str(x) for x in page.evaluate(_CROWDED)]


def box(page: Page, state_id: str) -> dict[str, float]:
    return settled_box(state(page, state_id))


def centre_x(b: dict[str, float]) -> float:
    return b["x"] + b["width"] / 2


TIDY: dict[str, Any] = {
    "id": "new_state_places",
    "title": "New state places",
    "initial": "intake",
    "states": {
        "intake": {"type": "task", "title": "Receive the order", "action": "read_ticket"},
        "check": {"type": "task", "title": "Check the order", "action": "read_ticket"},
        "route": {"type": "choice", "title": "Large order?"},
        "accepted": {"type": "final", "outcome": "success"},
        "declined": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "intake", "trigger": "done", "dest": "check"},
        {"source": "check", "trigger": "done", "dest": "route"},
        {"source": "route", "guard": "context.total > 1000", "dest": "declined", "priority": 1},
        {"source": "route", "dest": "accepted"},
    ],
    "layout": {
        "intake": {"x": 300, "y": 0}, "check": {"x": 300, "y": 140}, "route": {"x": 310, "y": 280},
        "accepted": {"x": 100, "y": 440}, "declined": {"x": 520, "y": 440},
    },
}


def open_draft(page: Page, server: LiveServer, content: dict[str, Any]) -> None:
    draft = server.api("POST", "/api/drafts", {"content": content}, token=server.token("analyst"))
    page.goto(f"/drafts/{draft['id']}")
    expect(page.locator('[data-testid="canvas"][data-layout="ready"][data-routed="true"]')).to_be_visible(
        timeout=60_000)
    laid_out(page)
    page.wait_for_timeout(400)  # the first view fitted


def test_a_new_state_follows_the_selected_one_in_free_space(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_draft(page, server, TIDY)
    expect(page.get_by_test_id("canvas-tangled")).to_have_count(0)

    # After the start: below it, and as 'check' is there already, beside 'check'.
    select_state(page, "intake")
    page.get_by_test_id("palette-task").click()
    expect(page.get_by_test_id("field-id")).to_have_value("task_1")
    page.wait_for_timeout(400)
    intake, check, new = box(page, "intake"), box(page, "check"), box(page, "task_1")
    assert new["y"] >= intake["y"] + intake["height"], "the new state is not below the one selected"
    assert new["y"] < check["y"] + check["height"], "the new state is not in the row after the one selected"
    assert abs(centre_x(new) - centre_x(intake)) < 2.5 * intake["width"], "the new state is far from the one selected"
    assert crowded(page) == []
    assert [e for e in edges_through_states(page) if e.endswith("task_1")] == [], "a transition runs under it"
    screenshot(page, "canvas-new-state-after-the-selected-one")

    # With a transition selected: after the state it leads to.
    page.get_by_test_id("undo").click()
    expect(state(page, "task_1")).to_have_count(0)
    select_state(page, "check")
    page.get_by_test_id("select-transition-1").click()
    expect(page.get_by_test_id("transition-inspector")).to_be_visible()
    page.get_by_test_id("palette-wait").click()
    expect(page.get_by_test_id("field-id")).to_have_value("wait_1")
    page.wait_for_timeout(400)
    route, new = box(page, "route"), box(page, "wait_1")
    assert new["y"] >= route["y"] + route["height"], "the new state is not after the transition's target"
    assert crowded(page) == []
    assert [e for e in edges_through_states(page) if e.endswith("wait_1")] == []

    # Left to right: right of the state selected.
    page.get_by_test_id("direction-lr").click()
    expect(page.get_by_test_id("canvas")).to_have_attribute("data-direction", "LR")
    laid_out(page)
    page.wait_for_timeout(500)
    select_state(page, "check")
    page.get_by_test_id("palette-task").click()
    expect(page.get_by_test_id("field-id")).to_have_value("task_1")
    page.wait_for_timeout(400)
    check, new = box(page, "check"), box(page, "task_1")
    assert new["x"] >= check["x"] + check["width"], "the new state is not right of the one selected"
    assert crowded(page) == []
    assert [e for e in edges_through_states(page) if e.endswith("task_1")] == []


def test_a_flow_built_from_the_palette_reads_without_auto_layout(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_draft(page, server, {
        "id": "built_from_the_palette", "title": "Built from the palette", "initial": "intake",
        "states": {"intake": {"type": "task", "title": "Receive the claim", "action": "read_ticket"}},
        "transitions": [], "layout": {"intake": {"x": 0, "y": 0}},
    })
    # Each state added after the one it follows, then joined to it from that state's inspector.
    steps: list[tuple[str, str, str, dict[str, str]]] = [
        ("intake", "task", "validate", {"trigger": "done"}),
        ("validate", "choice", "route", {"trigger": "done"}),
        ("route", "approval", "manager_review", {"guard": "context.amount >= 1000", "priority": "1"}),
        ("route", "task", "auto_pay", {}),
        ("manager_review", "task", "notify", {"trigger": "approve"}),
        ("manager_review", "final", "rejected", {"trigger": "reject"}),
        ("auto_pay", "wait", "wait_docs", {"trigger": "done"}),
        ("notify", "final", "paid", {"trigger": "done"}),
    ]
    for before, kind, state_id, fields in steps:
        select_state(page, before)
        add_state(page, kind, state_id)
        add_transition(page, before, state_id, **fields)
    page.get_by_test_id("fit-view").click()
    page.wait_for_timeout(500)
    screenshot(page, "canvas-built-from-the-palette")
    assert crowded(page) == []
    assert edges_through_states(page) == []
    expect(page.get_by_test_id("canvas-tangled")).to_have_count(0)


# The claims flow's start, its states dropped where the old palette put them: on each other's transitions.
PILED: dict[str, Any] = {
    "id": "piled_up",
    "title": "Piled up",
    "initial": "intake",
    "states": {
        "intake": {"type": "task", "title": "Receive claim", "action": "read_ticket"},
        "validate": {"type": "task", "title": "Validate the claim", "action": "read_ticket"},
        "route": {"type": "choice", "title": "Route by amount"},
        "rejected": {"type": "final", "outcome": "failure"},
        "director_review": {"type": "approval", "title": "Director review", "approvers": {"roles": ["approver"]}},
        "manager_review": {"type": "approval", "title": "Manager review", "approvers": {"roles": ["approver"]}},
        "paid": {"type": "final", "outcome": "success"},
    },
    "transitions": [
        {"source": "intake", "trigger": "done", "dest": "validate"},
        {"source": "intake", "trigger": "error", "dest": "rejected"},
        {"source": "validate", "trigger": "done", "dest": "route"},
        {"source": "route", "guard": "context.amount >= 50000", "dest": "director_review", "priority": 2},
        {"source": "route", "guard": "context.amount >= 1000", "dest": "manager_review", "priority": 1},
        {"source": "route", "dest": "paid"},
        {"source": "director_review", "trigger": "approve", "dest": "paid"},
        {"source": "director_review", "trigger": "reject", "dest": "rejected"},
        {"source": "manager_review", "trigger": "approve", "dest": "paid"},
        {"source": "manager_review", "trigger": "reject", "dest": "rejected"},
    ],
    "layout": {
        "intake": {"x": 260, "y": 0}, "validate": {"x": 260, "y": 330}, "route": {"x": 30, "y": 160},
        "rejected": {"x": 270, "y": 170}, "director_review": {"x": 480, "y": 120},
        "manager_review": {"x": 250, "y": 470}, "paid": {"x": 40, "y": 420},
    },
}


def test_a_tangled_drawing_offers_auto_layout(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_draft(page, server, PILED)
    note = page.get_by_test_id("canvas-tangled")
    expect(note).to_contain_text("Hard to read:")
    expect(note).to_contain_text("through states")
    screenshot(page, "canvas-tangled-offers-auto-layout")

    # Auto-layout from the note: the states laid out, nothing through a state, the note gone; Undo brings both back.
    note.get_by_test_id("canvas-tidy").click()
    expect(note).to_have_count(0)
    expect(page.get_by_test_id("unsaved")).to_be_visible()
    laid_out(page)
    page.wait_for_timeout(500)
    assert edges_through_states(page) == []
    assert crowded(page) == []
    page.get_by_test_id("undo").click()
    expect(note).to_be_visible()

    # ✕ keeps the drawing as it is: the note goes, and stays away while the drawing gets no worse.
    note.get_by_test_id("canvas-keep-drawing").click()
    expect(note).to_have_count(0)
    select_state(page, "intake")
    page.get_by_test_id("field-title").fill("Receive the claim")
    page.wait_for_timeout(300)
    expect(note).to_have_count(0)
