"""A state's title is read on the canvas whole, however long: it wraps inside its node (four lines at most, the
node sized for them), the whole title is on the node's tooltip and in the inspector, and the layout keeps the
taller nodes apart. Titles were cut to one line with an ellipsis at every zoom, with no way to read the rest."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from browser_steps import SignIn, laid_out, screenshot, state
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TITLES = {
    "check": "Check the customer's credit history with both bureaus",
    "route": "Is the requested amount above the limit?",
    "review": "A senior underwriter reviews the exceptional application",
    "wait": "Wait for the signed contract from the customer",
    "book": "Book the loan in the core banking system and notify the branch",
}
# Longer than four lines of a node: cut on the canvas, whole on hover and in the inspector.
VERY_LONG = ("Send the welcome pack, the repayment schedule, the direct debit mandate and the privacy notice to the "
             "customer by post and by e-mail, and note it in the CRM")

DRAFT: dict[str, Any] = {
    "id": "long_titles",
    "title": "Long state titles",
    "initial": "check",
    "states": {
        "check": {"type": "task", "title": TITLES["check"], "action": "credit_check"},
        "route": {"type": "choice", "title": TITLES["route"]},
        "review": {"type": "approval", "title": TITLES["review"], "approvers": {"roles": ["sales_manager"]}},
        "wait": {"type": "wait", "title": TITLES["wait"], "event": {"type": "contract_signed"}},
        "book": {"type": "task", "title": TITLES["book"], "action": "book_loan"},
        "welcome": {"type": "task", "title": VERY_LONG, "action": "send_welcome"},
        "done": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "check", "trigger": "done", "dest": "route"},
        {"source": "route", "dest": "review", "guard": "context.amount > 10000"},
        {"source": "route", "dest": "wait"},
        {"source": "review", "trigger": "approve", "dest": "wait"},
        {"source": "review", "trigger": "reject", "dest": "refused"},
        {"source": "wait", "trigger": "contract_signed", "dest": "book"},
        {"source": "book", "trigger": "done", "dest": "welcome"},
        {"source": "welcome", "trigger": "done", "dest": "done"},
    ],
}

# Per drawn title: whether its text fits its box (nothing cut), and whether the box lies inside its node.
_TITLES_DRAWN = """
() => [...document.querySelectorAll('.react-flow__node-state')].map((node) => {
  const title = node.querySelector('.state-title');
  const t = title.getBoundingClientRect(), n = node.getBoundingClientRect();
  return {
    id: node.dataset.id,
    lines: Number(title.dataset.lines),
    cut: title.scrollWidth > title.clientWidth + 1 || title.scrollHeight > title.clientHeight + 1,
    inside: t.left >= n.left - 1 && t.right <= n.right + 1 && t.top >= n.top - 1 && t.bottom <= n.bottom + 1,
    box: { x: n.left, y: n.top, w: n.width, h: n.height },
  };
})
"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    across = a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
    return across and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def test_a_long_title_wraps_in_its_node_and_reads_whole_on_hover_and_in_the_inspector(
    server: LiveServer, sign_in: SignIn
) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "check")).to_be_visible()
    laid_out(page)
    page.get_by_test_id("auto-layout").click()  # ELK, sized for the wrapped titles
    laid_out(page)

    for zoom in ("fit", "in"):
        if zoom == "in":
            page.locator(".react-flow__controls-zoomin").click()
            page.locator(".react-flow__controls-zoomin").click()
        drawn = {d["id"]: d for d in page.evaluate(_TITLES_DRAWN)}
        for state_id, title in TITLES.items():
            assert not drawn[state_id]["cut"], (zoom, drawn[state_id])
            assert drawn[state_id]["inside"], (zoom, drawn[state_id])
            assert drawn[state_id]["lines"] >= 2, drawn[state_id]  # wrapped, not one cut line
            expect(state(page, state_id).locator(".state-title")).to_have_text(title)
        assert drawn["welcome"]["lines"] == 4, drawn["welcome"]
        assert drawn["welcome"]["inside"], drawn["welcome"]
        for a, b in itertools.combinations(drawn.values(), 2):
            assert not _overlap(a["box"], b["box"]), (a, b)
        if zoom == "fit":
            screenshot(page, "long-state-titles")

    # The whole title on hover (the node's tooltip) and in the inspector.
    for state_id, title in (("welcome", VERY_LONG), ("check", TITLES["check"])):
        tooltip = re.compile(rf"^{re.escape(title)} \({state_id}\) — Task")
        expect(state(page, state_id)).to_have_attribute("title", tooltip)
    search = page.get_by_test_id("canvas-search")
    search.fill("welcome")
    search.press("Enter")
    expect(page.get_by_test_id("state-full-title")).to_have_text(VERY_LONG)
    expect(page.get_by_test_id("field-title")).to_have_value(VERY_LONG)
    screenshot(page, "long-state-title-inspector")
