"""The Mermaid renderer: a stateDiagram-v2 taken apart line by line (every line must be understood)."""

from __future__ import annotations

import pytest
from render_support import MermaidDoc, chain, parse_mermaid, sample

from engine.definition import Workflow
from engine.render import Highlight, render, to_mermaid
from engine.render.style import STYLES


@pytest.fixture(scope="module")
def doc() -> MermaidDoc:
    return parse_mermaid(to_mermaid(sample()))


def test_header_and_direction(doc: MermaidDoc) -> None:
    assert doc.header == "stateDiagram-v2"
    assert doc.direction == "TB"  # as the DOT of the same flow: see test_render_direction
    assert parse_mermaid(to_mermaid(chain(2))).direction == "LR"
    assert parse_mermaid(to_mermaid(chain(60))).direction == "TB"


def test_every_state_is_declared_once_with_its_label(doc: MermaidDoc) -> None:
    states = {
        "extract": "Extract lead · ⚙ bdr_concierge · extract_lead",
        "route": "route",
        "review": "review · ☺ sales_manager",
        "enrich": "Enrich · parallel, join all",
        "support": "support · subflow support_ticket_triage",
        "pause": "pause · wait P3D",
        "booked": "booked · ✔ success",
        "rejected": "rejected · ✖ failure",
        "enrich_crm_lookup": "lookup · ⚙ crm_lookup",
        "enrich_web_gave_up": "gave_up · ✖ failure",
    }
    assert {k: doc.labels[k] for k in states} == states
    assert doc.parents["extract"] == ""
    assert doc.parents["enrich_crm_lookup"] == "enrich_crm"
    assert doc.parents["enrich_crm"] == "enrich"


def test_every_transition_is_present_with_its_label(doc: MermaidDoc) -> None:
    assert sorted(doc.transitions) == sorted([
        ("extract", "route", "done"),
        ("extract", "rejected", "error"),
        ("route", "review", "auto [lead.score >= 70] priority 1"),
        ("route", "enrich", "auto"),
        ("enrich", "support", "done"),
        ("support", "pause", "done"),
        ("pause", "review", "done"),
        ("review", "booked", "approve"),
        ("review", "rejected", "reject"),
        ("support", "rejected", "reject"),
        ("s__any", "rejected", "cancel"),
        ("enrich_crm_lookup", "enrich_crm_done", "done"),
        ("enrich_web_search", "enrich_web_found", "done"),
        ("enrich_web_search", "enrich_web_gave_up", "error (timeout | unavailable)"),
    ])
    assert doc.labels["s__any"] == "any non-final state (*)"


def test_start_and_end_markers_in_every_machine(doc: MermaidDoc) -> None:
    assert ("extract", "") in doc.starts
    assert ("enrich_crm_lookup", "enrich_crm") in doc.starts
    assert ("enrich_web_search", "enrich_web") in doc.starts
    assert set(doc.ends) == {("booked", ""), ("rejected", ""), ("enrich_crm_done", "enrich_crm"),
                             ("enrich_web_found", "enrich_web"), ("enrich_web_gave_up", "enrich_web")}


def test_parallel_branches_are_concurrent_regions(doc: MermaidDoc) -> None:
    assert doc.separators == {"enrich": 1}  # two branches, one '--' between them
    assert doc.labels["enrich_crm"] == "crm"
    assert doc.labels["enrich_web"] == "web"


def test_a_class_per_state_type(doc: MermaidDoc) -> None:
    for key, look in STYLES.items():
        assert f"fill:{look.fill}" in doc.class_defs[key]
    assert doc.classes["task"] == {"extract", "enrich_crm_lookup", "enrich_web_search"}
    assert doc.classes["final_failure"] == {"rejected", "enrich_web_gave_up"}
    assert doc.classes["approval"] == {"review"}
    assert "highlighted" not in doc.classes
    assert "dimmed" not in doc.classes


def test_a_highlight_marks_the_path_by_class(doc: MermaidDoc) -> None:
    path = Highlight(states=frozenset({"extract", "route", "enrich/crm/lookup"}))
    marked = parse_mermaid(to_mermaid(sample(), path))
    assert marked.classes["highlighted"] == {"extract", "route", "enrich_crm_lookup"}
    assert "extract" not in marked.classes["dimmed"]
    assert {"review", "booked", "enrich_web_search"} <= marked.classes["dimmed"]
    assert marked.transitions == doc.transitions
    assert marked.labels == doc.labels


def test_ids_are_made_safe_for_mermaid_and_stay_distinct() -> None:
    picky = ["state", "default", "end", "x-y", "x_y", "direction", "Class", "note", "_hidden", "defaults"]
    states: dict[str, object] = {sid: {"type": "task", "action": "run"} for sid in picky}
    states["done"] = {"type": "final"}
    pairs = zip(picky, [*picky[1:], "done"], strict=True)
    transitions = [{"source": a, "trigger": "next", "dest": b} for a, b in pairs]
    workflow = Workflow.model_validate(
        {"id": "picky", "title": "Picky", "initial": "state", "states": states, "transitions": transitions}
    )
    parsed = parse_mermaid(to_mermaid(workflow))
    ids = [i for i, label in parsed.labels.items() if label.split(" · ")[0] in picky]
    assert len(ids) == len(picky) == len(set(ids))
    reserved = {"state", "default", "end", "direction", "class", "note"}
    assert not any(i.lower() in reserved or i.lower().startswith("default") for i in ids)
    assert all("direction" not in i.lower() for i in ids)
    assert len(parsed.transitions) == len(picky)
    assert parsed.starts == [(next(i for i in ids if parsed.labels[i].startswith("state ")), "")]


def test_mermaid_is_deterministic_and_rendered_as_utf8() -> None:
    assert to_mermaid(chain(60)) == to_mermaid(chain(60))
    assert render(sample(), "mermaid") == to_mermaid(sample()).encode("utf-8")
