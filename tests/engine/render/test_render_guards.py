"""Long guards: wrapped into a tall, narrow label of a few lines, cut with '…', and given whole in the SVG's
tooltip, so a reviewer can read every condition without the label stretching the layout."""

from __future__ import annotations

from render_support import SVG, graphviz_json, html_lines, json_edges, sample, svg_groups, svg_root

from engine.definition import Workflow
from engine.render import DotOptions, render, to_dot
from engine.render.labels import GUARD_LINES, GUARD_WIDTH, guard_lines

LONG = ('size(knowledge.matches) > 0 && knowledge.matches[0].score >= 0.8 && '
        'knowledge.matches[0].source != "\\N stale" || ticket.tags.exists(t, t == "vip")')


def guarded(guard: str) -> Workflow:
    transitions = [t.model_dump() for t in sample().transitions]
    transitions[2]["guard"] = guard
    return sample(transitions=transitions)


def test_a_long_guard_is_wrapped_into_a_few_short_lines_and_cut() -> None:
    lines = guard_lines(LONG)
    assert len(lines) == GUARD_LINES
    assert all(len(line) <= GUARD_WIDTH for line in lines)
    assert lines[0].startswith("[size(knowledge.matches) > 0")
    assert lines[-1].endswith("…")
    assert guard_lines("x > 1") == ("[x > 1]",)
    # a name longer than the rest of the line moves down whole, never split as 'authorisatio' + 'n'
    assert guard_lines("has(context.discount_authorisation)") == ("[has(context.discount_authorisation)]",)


def test_the_drawn_label_is_the_wrapped_guard() -> None:
    edge = json_edges(graphviz_json(to_dot(guarded(LONG))))["t2:route"]
    assert html_lines(edge["label"]) == ["auto", *guard_lines(LONG), "priority 1"]


def test_the_svg_tooltip_of_an_edge_and_its_label_holds_the_whole_guard() -> None:
    root = svg_root(render(guarded(LONG), "svg"))
    edge = svg_groups(root, "edge")["t2:route"]
    titles = [a.get("{http://www.w3.org/1999/xlink}title") for a in edge.iter(f"{SVG}a")]
    assert titles == [f"auto [{LONG}] priority 1"] * 2  # on the line and on the label; '\\N' stays as written
    plain = svg_groups(root, "edge")["t0:extract"]
    assert [a.get("{http://www.w3.org/1999/xlink}title") for a in plain.iter(f"{SVG}a")] == ["done", "done"]


def test_a_compact_drawing_numbers_its_edges_instead_of_giving_tooltips() -> None:
    edge = json_edges(graphviz_json(to_dot(guarded(LONG), options=DotOptions(compact=True))))["t2:route"]
    assert "tooltip" not in edge  # the review pack's table of transitions gives T3 whole
    assert html_lines(edge["label"])[0] == "T3 · auto"
