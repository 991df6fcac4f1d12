"""The review pack's diagram on paper: cutting it into pages when a state is larger than a page (the cutting
ends, and every other state is still seen whole on some page), and the T-numbers that tie it to the table."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest

from engine.definition import Workflow
from engine.review import ReviewSource, review_html
from engine.review.diagram_section import draw
from engine.review.paging import frame_of, plan_pages

LONG_ID = ("approve_the_refund_after_reviewing_the_customer_account_history_the_signed_contract_and_every_"
           "open_ticket_first_with_the_leads")  # 126 characters (128 at most)


def _chain_with_a_long_state() -> Workflow:
    """A chain of tasks and an approval with a 126-character id: its node is wider than a landscape A4 page
    at the smallest legible scale."""
    ids = ["intake", "triage", LONG_ID, "notify", "archive"]
    states: dict[str, object] = {sid: {"type": "task", "action": f"do_{n}"} for n, sid in enumerate(ids)}
    states[LONG_ID] = {"type": "approval", "approvers": {"roles": ["support_manager"]}}
    states["finished"] = {"type": "final"}
    states["failed"] = {"type": "final", "outcome": "failure"}
    following = [*ids[1:], "finished"]
    transitions = [{"source": a, "trigger": "done", "dest": b} for a, b in zip(ids, following, strict=True)]
    transitions += [{"source": sid, "trigger": "error", "dest": "failed"} for sid in ids if sid != LONG_ID]
    transitions = [{**t, "trigger": "approve"} if t["source"] == LONG_ID else t for t in transitions]
    transitions.append({"source": LONG_ID, "trigger": "reject", "dest": "failed"})
    return Workflow.model_validate({"id": "long_names", "title": "Long names", "initial": "intake",
                                    "states": states, "transitions": transitions})


@pytest.mark.timeout(60)
def test_a_state_wider_than_a_page_is_cut_and_the_plan_ends() -> None:
    svg = draw(_chain_with_a_long_state())
    pages = plan_pages(svg, "A4")  # used to loop for ever, eating memory, on the state too wide for any page
    boxes = svg.obstacles(states_only=True)
    widest = max(boxes, key=lambda b: b.x1 - b.x0)
    scale = pages[0].scale
    assert widest.x1 - widest.x0 > frame_of("A4", "landscape")[0] / scale  # the premise: no page holds it
    assert len(pages) < 20
    covered = sorted((p.area.x0, p.area.x1) for p in pages if p.area.y0 <= widest.y0 and p.area.y1 >= widest.y1)
    assert covered[0][0] <= widest.x0 + 0.5  # every part of it is printed, on pages side by side
    assert covered[-1][1] >= widest.x1 - 0.5
    assert all(left <= previous_right + 0.5 for (_, previous_right), (left, _) in pairwise(covered))
    for box in boxes:
        if box is widest:
            continue
        assert any(
            box.x0 >= p.area.x0 - 0.5 and box.x1 <= p.area.x1 + 0.5 and box.y0 >= p.area.y0 - 0.5
            and box.y1 <= p.area.y1 + 0.5
            for p in pages
        ), f"{box} is whole on no page"


def _branch(name: str) -> dict[str, object]:
    return {"name": name, "initial": "work", "states": {"work": {"type": "task", "action": f"do_{name}"},
                                                      "ok": {"type": "final"}},
            "transitions": [{"source": "work", "trigger": "done", "dest": "ok"}]}


def test_every_transition_has_its_own_t_number_in_the_diagram_and_the_table() -> None:
    """A branch's transitions used to be numbered from T1 again: a flow with two parallel states showed T1 five
    times, and the legend's 'T3 = row T3 of Transitions' named three rows. Now the top level's come first and each
    branch's go on from there, in the drawing as in the table."""
    flow = Workflow.model_validate({
        "id": "two_parallels", "title": "Two parallels", "initial": "first",
        "states": {"first": {"type": "parallel", "branches": [_branch("a"), _branch("b")]},
                   "second": {"type": "parallel", "branches": [_branch("c")]},
                   "ok": {"type": "final"}},
        "transitions": [{"source": "first", "trigger": "done", "dest": "second"},
                        {"source": "second", "trigger": "done", "dest": "ok"}],
    })
    drawn = re.findall(r"T(\d+) · ", html.unescape(draw(flow).whole()))
    assert sorted(map(int, drawn)) == [1, 2, 3, 4, 5]
    source = ReviewSource(workflow=flow, generated_at=datetime(2026, 1, 5, tzinfo=UTC), agents={}, findings=[],
                          origin="two_parallels.json")
    document = review_html(source)
    table = document[document.index('id="transitions"'):]
    rows = re.findall(r"<td[^>]*>(T\d+)</td>\s*<td[^>]*>(.*?)</td>", table)
    assert [(number, html.unescape(re.sub("<[^>]+>", "", where))) for number, where in rows][:5] == [
        ("T1", "first"), ("T2", "second"), ("T3", "work"), ("T4", "work"), ("T5", "work")]


DRIFTING = Path(__file__).with_name("drifting_onboarding.json")
"""An analyst's 17-state onboarding flow (a parallel and a map inside), built in the designer: `dot` draws its
main line from the top right down to the bottom left, its error lines running down the right-hand side."""


def test_a_drifting_diagram_prints_on_pages_that_each_hold_part_of_the_flow() -> None:
    svg = draw(Workflow.model_validate(json.loads(DRIFTING.read_text(encoding="utf-8"))))
    pages = plan_pages(svg, "A4")
    states = svg.obstacles(states_only=True)
    assert len(pages) <= 5  # six before: a page with only the title, one with one label, a strip at the end
    first = pages[0].area
    assert any(first.x0 <= s.x0 and s.x1 <= first.x1 and s.y1 <= first.y1 for s in states), \
        "the first page holds no state (only the drawing's title)"
    heights = {(p.area.y0, p.area.y1) for p in pages}
    assert min(b - a for a, b in heights) >= 0.6 * max(b - a for a, b in heights), f"uneven rows: {sorted(heights)}"
    for page in pages:  # no page is a strip holding a label or two
        assert page.area.x1 - page.area.x0 >= 0.3 * frame_of("A4", page.orientation)[0] / page.scale, page
