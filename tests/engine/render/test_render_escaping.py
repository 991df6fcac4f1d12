"""Hostile text in titles and guards: every format shows it as written and none of them breaks."""

from __future__ import annotations

import pytest
from render_support import (
    graphviz_json,
    html_lines,
    json_edges,
    json_nodes,
    parse_mermaid,
    sample,
    svg_groups,
    svg_root,
    svg_texts,
)

from engine.definition import Workflow
from engine.render import render, to_dot, to_mermaid
from engine.render.labels import clean, guard_lines, node_label

HOSTILE = [
    'Say "hi" <b>bold</b> & co',
    "back\\slash \\N \\G \\L \\\" end\\",
    "]]> -- <!-- comment --> %% #1; a:b",
    "direction LR  state default",
    "😀 ünïcödé 中文 עברית",
    "new\nline\ttab\x01bell\x7f",
    "{curly} [square] `tick` *star* _under_ ~strike~ $math$ |pipe|",
]
GUARD = 'lead.name != "x\\"y" && lead.tags.exists(t, t == "<a>") || size(x) > 2 ; z'


def heading(workflow: Workflow) -> str:
    return node_label("extract", workflow.states["extract"]).heading


def hostile(title: str) -> Workflow:
    workflow = sample()
    states = {sid: s.model_dump() for sid, s in workflow.states.items()}
    states["extract"]["title"] = title
    transitions = [t.model_dump() for t in workflow.transitions]
    transitions[2]["guard"] = GUARD
    return sample(states=states, transitions=transitions, title=title, description=None)


@pytest.mark.parametrize("title", HOSTILE)
def test_graphviz_reads_the_title_back_exactly(title: str) -> None:
    workflow = hostile(title)
    lines = html_lines(json_nodes(graphviz_json(to_dot(workflow)))["extract"]["label"])
    assert " ".join(lines[:-2]) == heading(workflow)  # wrapped heading lines, then the id and the action
    assert heading(workflow).startswith(clean(title)[:50])


@pytest.mark.parametrize("title", HOSTILE)
def test_the_svg_stays_well_formed_and_shows_the_text(title: str) -> None:
    workflow = hostile(title)
    root = svg_root(render(workflow, "svg"))  # xml.etree refuses anything malformed
    texts = svg_texts(svg_groups(root, "node")["extract"])
    assert " ".join(texts[:-2]) == heading(workflow)
    guard = svg_texts(svg_groups(root, "edge")["t2:route"])
    assert guard[1:-1] == list(guard_lines(GUARD))


@pytest.mark.parametrize("title", HOSTILE)
def test_mermaid_keeps_one_statement_per_line_and_the_text_round_trips(title: str) -> None:
    workflow = hostile(title)
    text = to_mermaid(workflow)
    doc = parse_mermaid(text)  # asserts every label lexes as one label
    assert doc.labels["extract"].startswith(heading(workflow) + " · ")
    assert ("route", "review", f"auto {' '.join(guard_lines(GUARD))} priority 1") in doc.transitions
    assert len(text.splitlines()) == len(to_mermaid(sample()).splitlines())


def test_guards_survive_the_dot_round_trip() -> None:
    graph = graphviz_json(to_dot(hostile("plain")))
    assert html_lines(json_edges(graph)["t2:route"]["label"])[1:-1] == list(guard_lines(GUARD))


def test_clean_makes_one_printable_line() -> None:
    assert clean("a\nb\tc\x00d\ud800e\uffffz") == "a b c d ez"
    assert clean("x" * 100) == "x" * 59 + "…"
    assert clean("  spaced   out  ") == "spaced out"
