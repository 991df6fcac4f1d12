"""What the canvas writes is shown whole (QA with a 38-state incident flow at 1366x768):

- a transition's label with error kinds and a priority, "error (unavailable | rate_limited) p1", was cut to 240 px
  and read "… p": a label is now as wide as its parts (only a long guard is cut, and shown whole when selected);
- the zoom buttons lay over the drawing and hid a label by its left edge: they have a strip of their own;
- "Wait for acknowledgement" broke as "acknowledgeme / nt", and the wait's "event incident.acknowledged" ran past the
  ellipse: a title breaks only between words (an id after its underscores and dots), its node made wider for a long
  word, and every line of a wait's text stays inside its ellipse (a summary too long is cut with "…", whole in its
  tooltip)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_steps import laid_out, screenshot, state, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FLOW: dict[str, Any] = {
    "id": "incident_words_whole",
    "title": "Incident words whole",
    "initial": "page_oncall",
    "states": {
        "page_oncall": {"type": "task", "title": "Page the on-call engineer", "action": "score_lead"},
        "await_acknowledgement": {"type": "wait", "title": "Wait for acknowledgement",
                                  "event": {"type": "incident.acknowledged"}, "timeout": "PT15M"},
        "apply_containment": {"type": "task", "title": "Apply containment", "action": "score_lead"},
        "escalate_manager": {"type": "task", "title": "Escalate to duty manager", "action": "score_lead"},
        "resolved": {"type": "final"},
    },
    "transitions": [
        {"source": "page_oncall", "trigger": "done", "dest": "await_acknowledgement"},
        {"source": "await_acknowledgement", "trigger": "done", "dest": "apply_containment"},
        {"source": "await_acknowledgement", "trigger": "timeout", "dest": "escalate_manager"},
        {"source": "apply_containment", "trigger": "done", "dest": "resolved"},
        {"source": "apply_containment", "trigger": "error", "errors": ["unavailable", "rate_limited"], "priority": 1,
         "dest": "escalate_manager"},
        {"source": "escalate_manager", "trigger": "done", "dest": "resolved"},
    ],
}

CLIPPED_LABELS = """() => [...document.querySelectorAll('.transition-label')]
  .filter((l) => l.scrollWidth > l.clientWidth + 1).map((l) => l.textContent)"""

# The lines of a node's text (each line's ends, at its middle height) outside the ellipse the node is drawn as.
OUTSIDE_THE_ELLIPSE = """(id) => {
  const node = document.querySelector(`[data-testid="state-${id}"]`);
  const r = node.getBoundingClientRect();
  const [cx, cy, a, b] = [r.left + r.width / 2, r.top + r.height / 2, r.width / 2, r.height / 2];
  const out = [];
  for (const el of node.querySelectorAll('.state-title, .state-id, .state-summary')) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const shown = el.getBoundingClientRect();
    for (const line of range.getClientRects()) {
      const y = line.top + line.height / 2;
      // what is drawn of the line: inside the element's own box (a cut summary ends where its "…" is)
      const [left, right] = [Math.max(line.left, shown.left), Math.min(line.right, shown.right)];
      for (const x of [left, right]) if (((x - cx) / a) ** 2 + ((y - cy) / b) ** 2 > 1) out.push(el.className);
    }
  }
  return out;
}"""

LINES_OF_WORD = """([id, word]) => {
  const title = document.querySelector(`[data-testid="state-${id}"] .state-title`);
  const text = [...title.childNodes].find((n) => n.nodeType === 3 && n.textContent.includes(word));
  const range = document.createRange();
  const at = text.textContent.indexOf(word);
  range.setStart(text, at);
  range.setEnd(text, at + word.length);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""


def test_labels_titles_and_summaries_are_shown_whole(server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    draft = server.api("POST", "/api/drafts", {"content": FLOW}, token=server.token("analyst"))
    page = sign_in_as(server, "analyst", viewport={"width": 1366, "height": 768})
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "await_acknowledgement")).to_be_visible()
    wait_validated(page)
    laid_out(page)
    page.locator('[data-testid="canvas"][data-routed="true"]').wait_for()
    search = page.get_by_test_id("canvas-search")
    search.fill("await_acknowledgement")
    search.press("Enter")  # framed at a size to read
    page.wait_for_timeout(600)
    screenshot(page, "canvas-text-whole-1366")
    page.screenshot(path="/tmp/ui_polish/03_04_canvas_text_whole_1366.png")

    error_label = page.get_by_test_id("transition-4")
    expect(error_label).to_have_text("error(unavailable | rate_limited)p1")
    assert page.evaluate(CLIPPED_LABELS) == []

    # the zoom buttons beside the drawing, not over it
    controls = page.locator(".react-flow__controls").bounding_box()
    area = page.locator(".flow-area").bounding_box()
    assert controls is not None
    assert area is not None
    assert controls["x"] + controls["width"] <= area["x"] + 0.5, (controls, area)

    assert page.evaluate(LINES_OF_WORD, ["await_acknowledgement", "acknowledgement"]) == 1
    assert page.evaluate(OUTSIDE_THE_ELLIPSE, "await_acknowledgement") == []
    summary = state(page, "await_acknowledgement").locator(".state-summary")
    expect(summary).to_have_attribute("title", "event incident.acknowledged")


def test_a_long_guard_is_cut_and_shown_whole_when_selected(server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    guard = "context.customer.segment == 'enterprise' && context.incident.severity == 'P1'"
    flow = {**FLOW, "id": "incident_long_guard",
            "transitions": [*FLOW["transitions"][:4],
                            {"source": "apply_containment", "trigger": "error", "guard": guard, "priority": 2,
                             "dest": "escalate_manager"},
                            FLOW["transitions"][5]]}
    draft = server.api("POST", "/api/drafts", {"content": flow}, token=server.token("analyst"))
    page = sign_in_as(server, "analyst", viewport={"width": 1366, "height": 768})
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "await_acknowledgement")).to_be_visible()
    laid_out(page)
    label = page.get_by_test_id("transition-4")
    expect(label).to_contain_text("p2")  # the priority after a cut guard is there, whole
    assert page.evaluate(CLIPPED_LABELS) == []
    expect(label.locator(".guard")).to_contain_text("…")  # the guard itself is cut
    label.click()
    expect(page.get_by_test_id("transition-inspector")).to_be_visible()
    expect(label).to_contain_text(guard)
    assert label.locator(".guard").evaluate("g => g.scrollWidth <= g.clientWidth + 1")
