"""A state renamed between two versions is one change, "renamed X → Y", in the version diff and the review pack.

An outside tester renamed `wait_ack` to `await_acknowledgement` in a 38-state incident-response flow and
published it as version 2. The publish dialog said "State wait_ack renamed to await_acknowledgement" and the
migration mapped it as a rename, while the review pack outlined the state in green as NEW, its three transitions
NEW too, and listed "added state await_acknowledgement", "removed state wait_ack" and the three transitions
removed and added again: 18 changes where there were 11. The diff now names renames by the one rule
(`engine.definition.renames`: the same state, its title and description aside, under exactly one new id), and the
pack tells each as one change.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.definition import Workflow
from engine.definition.diff import diff_with_renames, diff_workflows
from engine.definition.renames import renamed_states
from engine.review import ReviewSource, compare, review_html
from engine.review.diagram_section import draw
from engine.review.diagram_svg import ADDED

HERE = Path(__file__).parent
SVG = "{http://www.w3.org/2000/svg}"


def incident(version: int) -> Workflow:
    """The tester's flow as published (version 2: `wait_ack` renamed, `sev3_wait` removed, six other edits)."""
    return Workflow.model_validate(json.loads((HERE / f"incident_response_v{version}.json").read_text("utf-8")))


def _flow(**states: dict[str, Any]) -> dict[str, Any]:
    """intake → each state given, in order → done; each task's error → failed."""
    ids = list(states)
    transitions = [{"source": a, "trigger": "done", "dest": b} for a, b in zip(ids, [*ids[1:], "done"], strict=True)]
    transitions += [{"source": s, "trigger": "error", "dest": "failed"} for s in ids if states[s]["type"] == "task"]
    return {"id": "flow", "version": 1, "title": "Flow", "initial": ids[0],
            "states": {**states, "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
            "transitions": transitions}


def _renamed(data: dict[str, Any], old: str, new: str, **changes: Any) -> Workflow:
    """`data` as version 2 with state `old` under the id `new` (its transitions following), `changes` applied to
    it."""
    text = json.dumps(data).replace(f'"{old}"', f'"{new}"')
    moved = json.loads(text)
    moved["version"] = 2
    moved["states"][new] = {**moved["states"][new], **changes}
    return Workflow.model_validate(moved)


def test_the_diff_names_the_rename_and_tells_it_as_one_change() -> None:
    before, after = incident(1), incident(2)

    by_id = diff_workflows(before, after)
    assert by_id.states.renamed == {"wait_ack": "await_acknowledgement"}
    assert by_id.states.added == ["await_acknowledgement"]  # compared id by id, as before: nothing is lost
    assert by_id.states.removed == ["wait_ack", "sev3_wait"]

    told = diff_with_renames(before, after)
    assert told.states.renamed == {"wait_ack": "await_acknowledgement"}
    assert told.states.added == []
    assert told.states.removed == ["sev3_wait"]
    assert [t.key for t in told.transitions.added] == ["sev3_queue-[done]->closed_low"]
    assert [t.key for t in told.transitions.removed] == ["sev3_queue-[done]->sev3_wait", "sev3_wait-[done]->closed_low"]
    assert told.transitions.changed == []  # T8, T11 and T12 only follow the new id
    assert {c.id for c in told.states.changed} == {"assess_impact", "containment_approval", "notify_customers",
                                                   "containment_rejected", "failed", "timed_out"}


def test_a_rename_with_new_words_is_a_rename_and_a_changed_title() -> None:
    data = _flow(kyc_check={"type": "task", "action": "check", "title": "KYC check"},
                 review={"type": "wait", "duration": "PT1H"})
    after = _renamed(data, "kyc_check", "kyc_screening", title="KYC screening")
    told = diff_with_renames(Workflow.model_validate(data), after)
    assert told.states.renamed == {"kyc_check": "kyc_screening"}
    assert (told.states.added, told.states.removed) == ([], [])
    [change] = told.states.changed
    assert (change.id, change.fields) == ("kyc_screening", ["title"])
    assert (told.transitions.added, told.transitions.removed, told.transitions.changed) == ([], [], [])


def test_a_state_that_does_something_else_under_a_new_id_is_removed_and_added() -> None:
    data = _flow(kyc_check={"type": "task", "action": "check"}, review={"type": "wait", "duration": "PT1H"})
    after = _renamed(data, "review", "cool_off", duration="PT2H")
    diff = diff_with_renames(Workflow.model_validate(data), after)
    assert diff.states.renamed == {}
    assert (diff.states.added, diff.states.removed) == (["cool_off"], ["review"])


def test_a_transition_that_follows_a_rename_and_changed_besides_is_changed_in_that_alone() -> None:
    data = _flow(kyc_check={"type": "task", "action": "check"}, review={"type": "wait", "duration": "PT1H"})
    moved = _renamed(data, "kyc_check", "kyc_screening").model_dump(mode="json", by_alias=True, exclude_none=True)
    moved["transitions"][0]["guard"] = "true"
    diff = diff_with_renames(Workflow.model_validate(data), Workflow.model_validate(moved))
    assert (diff.transitions.added, diff.transitions.removed) == ([], [])
    [change] = diff.transitions.changed
    assert (change.key, change.fields) == ("kyc_screening-[done]->review", ["guard"])
    assert (change.index_before, change.index_after) == (0, 0)


def test_only_an_unmistakable_pair_of_states_that_wait_is_a_rename() -> None:
    """Two alike finals (one replaced by another) say nothing of a rename, nor does a choice; two alike tasks
    removed and two added cannot be told apart."""
    data = _flow(a={"type": "task", "action": "same"}, b={"type": "task", "action": "same"},
                 route={"type": "choice"})
    text = json.dumps(data)
    for old, new in (('"a"', '"c"'), ('"b"', '"d"'), ('"route"', '"gate"'), ('"failed"', '"broken"')):
        text = text.replace(old, new)
    after = Workflow.model_validate({**json.loads(text), "version": 2})
    assert renamed_states(Workflow.model_validate(data), after) == {}


def _pack(before: Workflow, after: Workflow) -> str:
    return review_html(ReviewSource(workflow=after, previous=before, generated_at=datetime(2026, 1, 5, tzinfo=UTC)))


def _change_rows(document: str) -> list[tuple[str, str]]:
    changes = document[document.index('id="changes"'):]
    rows = re.findall(r'<span class="chg-(\w+)">\w+</span></td><td>(.*?)</td>', changes)
    return [(kind, re.sub(r"<[^>]+>", "", what).replace("&gt;", ">")) for kind, what in rows]


def test_the_review_pack_lists_the_rename_as_one_change() -> None:
    document = _pack(incident(1), incident(2))
    rows = _change_rows(document)
    assert ("renamed", "state wait_ack → await_acknowledgement") in rows
    assert not [what for _, what in rows if "wait_ack" in what and not what.startswith("state wait_ack →")]
    assert ("removed", "state sev3_wait") in rows
    assert len(rows) == 11
    assert "11 changes since version 1" in document


def test_the_diagram_badges_the_renamed_state_and_leaves_its_transitions_unmarked() -> None:
    before, after = incident(1), incident(2)
    svg = draw(after, compare(before, after).marks)
    [node] = [g for g in svg.groups("node") if g.get("id") == "await_acknowledgement"]
    assert [t.text for t in node.iter(f"{SVG}text") if t.get("class") == "change-badge"] == ["RENAMED from wait_ack"]
    following = [g for g in svg.groups("edge")
                 if re.match(r"t\d+:(await_acknowledgement|page_oncall)$", g.get("id", ""))
                 and "await_acknowledgement" in (g.findtext(f"{SVG}title") or "")]
    assert len(following) == 3
    for edge in following:
        assert not any(part.get("stroke") == ADDED for part in edge.iter()), edge.get("id")


def test_each_marked_state_has_one_badge_and_no_bar_of_a_box_carries_one() -> None:
    """The map's CHANGED badge was drawn twice: on its box and again on the bar where it forks."""
    before, after = incident(1), incident(2)
    marks = compare(before, after).marks
    svg = draw(after, marks)
    badged = [(g.get("id"), t.text) for g in svg.groups("node") + svg.groups("cluster")
              for t in g.iter(f"{SVG}text") if t.get("class") == "change-badge"]
    assert sorted(badged) == sorted([("notify_customers:cluster", "CHANGED"), ("assess_impact", "CHANGED"),
                                     ("containment_approval", "CHANGED"), ("containment_rejected", "CHANGED"),
                                     ("failed", "CHANGED"), ("timed_out", "CHANGED"),
                                     ("await_acknowledgement", "RENAMED from wait_ack")])
