"""Transition labels never cover each other or a state. An analyst's 24-state claims flow, laid out by the canvas,
drew the two guards leaving its choice one over the other — `[context.amount >= 1000] p1` over
`[context.amount >= 50000] p2`, the branches impossible to tell apart — and `done` against `timeout`; with the
states placed by hand, a label hid under a state. Each label now keeps to its own line, moved along it where its
middle is taken."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, laid_out, screenshot, transition_label
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _task(title: str) -> dict[str, Any]:
    return {"type": "task", "title": title, "action": "read_ticket", "agent": "support_concierge"}


def _approval(title: str) -> dict[str, Any]:
    return {"type": "approval", "title": title, "approvers": {"roles": ["approver"]}, "timeout": "PT48H"}


def _final(title: str, outcome: str) -> dict[str, Any]:
    return {"type": "final", "title": title, "outcome": outcome}


# Each transition as its source, its destination, its trigger, its guard and its priority.
_TRANSITIONS: list[tuple[str, str, str | None, str | None, int | None]] = [
    ("intake", "validate", "done", None, None),
    ("validate", "route", "done", None, None), ("validate", "failed_technical", "error", None, None),
    ("route", "director_review", None, "context.amount >= 50000", 2),
    ("route", "manager_review", None, "context.amount >= 1000", 1), ("route", "auto_pay", None, None, None),
    ("manager_review", "checks", "approve", None, None), ("manager_review", "rejected", "reject", None, None),
    ("manager_review", "escalate", "timeout", None, None), ("manager_review", "withdrawn", "withdraw", None, None),
    ("director_review", "checks", "approve", None, None), ("director_review", "rejected", "reject", None, None),
    ("escalate", "manager_review", "done", None, None), ("escalate", "failed_technical", "error", None, None),
    ("auto_pay", "notify", "done", None, None), ("auto_pay", "failed_technical", "error", None, None),
    ("checks", "assess_claim", "done", None, None), ("checks", "failed_technical", "error", None, None),
    ("assess_claim", "decide", "done", None, None), ("assess_claim", "failed_technical", "error", None, None),
    ("decide", "pay_items", None, "context.assessment.score >= 0.5", 1), ("decide", "wait_docs", None, None, None),
    ("wait_docs", "assess_claim", "done", None, None), ("wait_docs", "rejected", "timeout", None, None),
    ("pay_items", "notify", "done", None, None), ("pay_items", "partial_failure", "error", None, None),
    ("notify", "crm_record", "done", None, None), ("notify", "failed_technical", "error", None, None),
    ("crm_record", "summarise", "done", None, None), ("crm_record", "kb_gap", "error", None, None),
    ("kb_gap", "summarise", "done", None, None), ("kb_gap", "failed_technical", "error", None, None),
    ("summarise", "qa", "done", None, None), ("summarise", "failed_technical", "error", None, None),
    ("qa", "qa_gate", "done", None, None), ("qa", "failed_technical", "error", None, None),
    ("qa_gate", "flag", None, "context.qa.score < 6", 1), ("qa_gate", "paid", None, None, None),
    ("flag", "paid", "done", None, None), ("flag", "paid", "error", None, None),
    ("director_review", "escalate", "timeout", None, None),
]
CHOICE_P2, CHOICE_P1 = 3, 4  # the two guarded transitions out of 'route'


def claims_flow(workflow_id: str, layout: dict[str, dict[str, int]] | None = None) -> dict[str, Any]:
    """The analyst's claims flow (as built in the designer by the QA pass), with `layout` as saved places."""
    states: dict[str, Any] = {
        "intake": _task("Receive claim"), "rejected": _final("", "failure"), "validate": _task("Validate the claim"),
        "route": {"type": "choice", "title": "Route by amount"},
        "manager_review": _approval("Claims manager review"),
        "director_review": _approval("Director review for large claims"),
        "escalate": _task("Escalate overdue review to the head of claims"),
        "paid": _final("Claim paid", "success"), "failed_technical": _final("Failed for a technical reason", "failure"),
        "auto_pay": _task("Pay small claim automatically"),
        "checks": {"type": "parallel", "title": "Fraud and history checks",
                   "branches": [{"name": "fraud", "initial": "look", "states": {"look": {"type": "final"}}},
                                {"name": "history", "initial": "note", "states": {"note": {"type": "final"}}}]},
        "assess_claim": _task("Assess the claim"), "decide": {"type": "choice", "title": "Enough evidence?"},
        "wait_docs": {"type": "wait", "title": "Wait for supporting documents", "event": {"type": "docs_received"},
                      "timeout": "P7D"},
        "pay_items": {"type": "map", "title": "Pay each line item", "items": "context.items",
                      "iterator": {"initial": "pay_line", "states": {"pay_line": {"type": "final"}}}},
        "notify": _task("Tell the claimant"), "partial_failure": _final("Some line items failed", "failure"),
        "withdrawn": _final("Withdrawn by the claimant", "failure"), "crm_record": _task("Record in the CRM"),
        "kb_gap": _task("Record a knowledge gap"), "summarise": _task("Summarise the outcome"),
        "qa": _task("Quality check of the reply"), "qa_gate": {"type": "choice", "title": "Quality good enough?"},
        "flag": _task("Flag for human review"),
    }
    transitions = []
    for source, dest, trigger, guard, priority in _TRANSITIONS:
        transition: dict[str, Any] = {"source": source, "dest": dest}
        if trigger:
            transition["trigger"] = trigger
        if guard:
            transition["guard"] = guard
        if priority:
            transition["priority"] = priority
        transitions.append(transition)
    flow: dict[str, Any] = {"id": workflow_id, "title": "Claims handling", "initial": "intake",
                            "context": {"type": "object", "properties": {}}, "states": states,
                            "transitions": transitions}
    if layout:
        flow["layout"] = layout
    return flow


# The places an Auto-layout saved before the analyst added the last transitions (the version the QA pass published):
# the layout's routes no longer hold, and the transitions are drawn in steps between the states' handles.
EARLIER_AUTO_LAYOUT = {
    "intake": (402, 20), "validate": (402, 216), "route": (412, 412), "director_review": (287, 664),
    "escalate": (608, 428), "manager_review": (523, 661), "auto_pay": (758, 1036), "checks": (355, 888),
    "wait_docs": (60, 656), "assess_claim": (552, 1172), "decide": (562, 1368), "rejected": (159, 888),
    "pay_items": (542, 1612), "notify": (758, 1824), "partial_failure": (562, 1820), "withdrawn": (729, 888),
    "crm_record": (758, 2024), "kb_gap": (652, 2220), "summarise": (761, 2432), "qa": (761, 2644),
    "qa_gate": (771, 2856), "flag": (908, 3132), "paid": (860, 3344), "failed_technical": (1124, 2780),
}

# A choice with three branches side by side below it and a task with three ways to one state, its states placed
# by hand (as the palette places them): the guards' labels would sit side by side on the one line leaving the
# choice, over each other, and the task's three labels nearly so.
BY_HAND: dict[str, Any] = {
    "id": "claims_by_hand",
    "title": "Claims placed by hand",
    "initial": "route",
    "states": {
        "route": {"type": "choice", "title": "Route by amount"},
        "small": _task("Pay small claim automatically"),
        "manager_review": _approval("Claims manager review"),
        "director_review": _approval("Director review for large claims"),
        "escalate": _task("Escalate overdue review"),
        "paid": _final("Claim paid", "success"),
    },
    "transitions": [
        {"source": "route", "dest": "director_review", "guard": "context.amount >= 50000", "priority": 2},
        {"source": "route", "dest": "manager_review", "guard": "context.amount >= 1000", "priority": 1},
        {"source": "route", "dest": "small"},
        {"source": "manager_review", "dest": "escalate", "trigger": "timeout"},
        {"source": "small", "dest": "escalate", "trigger": "done"},
        {"source": "escalate", "dest": "paid", "trigger": "done"},
        {"source": "escalate", "dest": "paid", "trigger": "timeout"},
        {"source": "escalate", "dest": "paid", "trigger": "error", "errors": ["validation"]},
    ],
    "layout": {
        "route": {"x": 300, "y": 0}, "small": {"x": 20, "y": 160}, "manager_review": {"x": 290, "y": 160},
        "director_review": {"x": 540, "y": 160}, "escalate": {"x": 290, "y": 330}, "paid": {"x": 300, "y": 500},
    },
}

# Every label drawn (with text) that covers another label or a state, as "a / b" and "a on state".
_COVERED = """
() => {
  const shown = (r) => r.width > 0 && r.height > 0;
  const labels = [...document.querySelectorAll('.transition-label')]
    .map((l) => ({ text: l.innerText.replace(/\\s+/g, ' '), r: l.getBoundingClientRect() })).filter((l) => shown(l.r));
  const states = [...document.querySelectorAll('.react-flow__node')]
    .map((n) => ({ id: n.dataset.id, r: n.getBoundingClientRect() })).filter((n) => shown(n.r));
  const cover = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const found = [];
  labels.forEach((a, i) => {
    labels.slice(i + 1).forEach((b) => { if (cover(a.r, b.r)) found.push(`${a.text} / ${b.text}`); });
    states.forEach((s) => { if (cover(a.r, s.r)) found.push(`${a.text} on ${s.id}`); });
  });
  return found;
}
"""

# How far (screen px) each label's centre is from its own line.
_OFF_ITS_LINE = """
() => [...document.querySelectorAll('.transition-label[data-edge-id]')].flatMap((label) => {
  const edge = [...document.querySelectorAll('.react-flow__edge')].find((e) => e.dataset.id === label.dataset.edgeId);
  const path = edge && edge.querySelector('path.react-flow__edge-path');
  if (!path) return [];
  const r = label.getBoundingClientRect();
  const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  const matrix = path.getScreenCTM();
  let best = Infinity;
  for (let t = 0; t <= path.getTotalLength(); t += 2) {
    const p = new DOMPoint(path.getPointAtLength(t).x, path.getPointAtLength(t).y).matrixTransform(matrix);
    best = Math.min(best, Math.hypot(p.x - cx, p.y - cy));
  }
  return best > 4 ? [`${label.innerText} is ${best.toFixed(0)} px off its line`] : [];
})
"""


def covered(page: Page) -> list[str]:
    return [str(x) for x in page.evaluate(_COVERED)]


def off_their_lines(page: Page) -> list[str]:
    return [str(x) for x in page.evaluate(_OFF_ITS_LINE)]


def open_claims(page: Page, server: LiveServer, flow: dict[str, Any]) -> None:
    draft = server.api("POST", "/api/drafts", {"content": flow}, token=server.token("analyst"))
    page.goto(f"/drafts/{draft['id']}")
    expect(page.locator('[data-testid="canvas"][data-layout="ready"][data-routed="true"]')).to_be_visible(
        timeout=60_000)
    laid_out(page)
    page.wait_for_timeout(500)  # the first view fitted


def zoom_to(page: Page, state_id: str) -> None:
    search = page.get_by_test_id("canvas-search")
    search.fill(state_id)
    search.press("Enter")
    expect(page.get_by_test_id("field-id")).to_have_value(state_id)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("saved", [False, True], ids=["laid-out-by-the-canvas", "saved-by-an-earlier-auto-layout"])
def test_labels_of_a_laid_out_flow_cover_nothing(server: LiveServer, sign_in: SignIn, saved: bool) -> None:
    page = sign_in("analyst")
    layout = {state_id: {"x": x, "y": y} for state_id, (x, y) in EARLIER_AUTO_LAYOUT.items()} if saved else None
    open_claims(page, server, claims_flow(f"claims_laid_out_{saved}".lower(), layout))
    # The choice's two guards, each whole, on lines of their own.
    zoom_to(page, "route")
    expect(transition_label(page, CHOICE_P2)).to_contain_text("[context.amount >= 50000]")
    expect(transition_label(page, CHOICE_P1)).to_contain_text("[context.amount >= 1000]")
    assert covered(page) == []
    assert off_their_lines(page) == []
    screenshot(page, f"canvas-labels-apart-at-the-choice-{'saved' if saved else 'laid-out'}")
    # All over the flow.
    for state_id in ("manager_review", "escalate", "decide", "notify", "qa_gate"):
        zoom_to(page, state_id)
        assert covered(page) == [], f"around {state_id}"
        assert off_their_lines(page) == [], f"around {state_id}"


def test_labels_of_a_flow_placed_by_hand_cover_nothing(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_claims(page, server, BY_HAND)
    for state_id in ("route", "escalate"):
        zoom_to(page, state_id)
        assert covered(page) == [], f"around {state_id}"
        assert off_their_lines(page) == [], f"around {state_id}"
    screenshot(page, "canvas-labels-apart-placed-by-hand")
