"""A state drawn by its id (it has no title) wraps after an underscore — "await_ / documents" — never mid-word. It
used to wrap wherever the line ran out: "await_document / s" on the canvas and in the instance monitor."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, open_draft, state
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FLOW: dict[str, Any] = {
    "id": "ids_wrap_at_underscores",
    "title": "Ids wrap at underscores",
    "initial": "collect_documents_from_the_supplier",
    "states": {
        "collect_documents_from_the_supplier": {"type": "task", "action": "score_lead"},
        "await_documents": {"type": "wait", "event": {"type": "documents_received"}},
        "route_by_the_risk_level": {"type": "choice"},
        "done": {"type": "final"},
    },
    "transitions": [
        {"source": "collect_documents_from_the_supplier", "trigger": "done", "dest": "await_documents"},
        {"source": "await_documents", "trigger": "done", "dest": "route_by_the_risk_level"},
        {"source": "route_by_the_risk_level", "dest": "done"},
    ],
}

LINE_ENDS = """title => {
  const text = title.textContent;
  const range = document.createRange();
  const tops = [];
  let offset = 0;
  const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      tops.push(Math.round(range.getBoundingClientRect().top));
    }
  }
  const ends = [];
  for (let i = 1; i < tops.length; i++) if (tops[i] > tops[i - 1]) ends.push(text.slice(0, i));
  return {text, ends};
}"""


def _line_ends(page: Page, state_id: str) -> dict[str, Any]:
    title = state(page, state_id).locator(".state-title")
    expect(title).to_be_visible()
    ends: dict[str, Any] = title.evaluate(LINE_ENDS)
    return ends


def test_ids_wrap_after_an_underscore(server: LiveServer, sign_in: SignIn) -> None:
    page = open_draft(server, sign_in, FLOW, showing="await_documents")
    wrapped = 0
    for state_id in FLOW["states"]:
        lines = _line_ends(page, state_id)
        assert lines["text"] == state_id
        for before in lines["ends"]:
            assert before.endswith("_"), f"{state_id} wraps after {before!r}"
        wrapped += len(lines["ends"])
    assert wrapped >= 3  # the long ids do wrap
    # and no line is cut off: each is shown whole
    for state_id in FLOW["states"]:
        title = state(page, state_id).locator(".state-title")
        assert title.evaluate("t => t.scrollHeight <= t.clientHeight + 1"), f"{state_id}'s title is cut off"
