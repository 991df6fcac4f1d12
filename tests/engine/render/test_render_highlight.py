"""Highlights: an instance's history becomes states and transitions, drawn bold while the rest is dimmed."""

from __future__ import annotations

from render_support import graphviz_json, json_clusters, json_edges, json_nodes, sample

from engine.render import Highlight, to_dot, to_mermaid
from engine.render.style import DIM_STROKE, HIGHLIGHT

HISTORY = [
    ("extract", "done", "route"),
    ("route", None, "enrich"),
    ("enrich/web/search", "error", "enrich/web/gave_up"),
    ("enrich/crm/lookup", "done", "enrich/crm/done"),
    ("enrich", "done", "support"),
    ("support", "reject", "rejected"),
]


def test_history_becomes_states_and_transitions() -> None:
    path = Highlight.of_history(sample(), HISTORY)
    assert path.states == {
        "extract", "route", "enrich", "enrich/crm/lookup", "enrich/crm/done", "enrich/web/search",
        "enrich/web/gave_up", "support", "rejected",
    }
    assert path.transitions == {0, 3, 4, 8}  # 8 is the list-source transition, taken from 'support'
    assert path.branch_transitions == {("enrich/web", 1), ("enrich/crm", 0)}


def test_any_state_transitions_match_every_non_final_source() -> None:
    workflow = sample()
    assert Highlight.of_history(workflow, [("pause", "cancel", "rejected")]).transitions == {9}
    assert Highlight.of_history(workflow, [("booked", "cancel", "rejected")]).transitions == frozenset()
    assert Highlight.of_history(workflow, [("pause", "done", "booked")]).transitions == frozenset()


def test_an_empty_highlight_draws_the_plain_diagram() -> None:
    assert not Highlight()
    assert to_dot(sample(), Highlight()) == to_dot(sample())
    assert to_mermaid(sample(), Highlight()) == to_mermaid(sample())


def test_the_path_is_drawn_in_the_highlight_colour_and_the_rest_dimmed() -> None:
    graph = graphviz_json(to_dot(sample(), Highlight.of_history(sample(), HISTORY)))
    edges, nodes = json_edges(graph), json_nodes(graph)
    on = ["t0:extract", "t3:route", "t4:enrich", "t8:support", "enrich/web/t1:search", ":start>extract",
          "enrich>enrich/web/search", "enrich/web/gave_up>enrich:join"]
    off = ["t8:review", "t9:*", "t7:review", "enrich/web/t0:search", "enrich/web/found>enrich:join"]
    assert {key: edges[key]["color"] for key in on} == dict.fromkeys(on, HIGHLIGHT)
    assert {key: edges[key]["color"] for key in off} == dict.fromkeys(off, DIM_STROKE)
    assert all("highlighted" in edges[key]["class"].split() for key in on)
    assert nodes["enrich/web/gave_up"]["color"] == HIGHLIGHT
    assert nodes["enrich/web/gave_up"]["penwidth"] == "3"
    assert nodes["booked"]["color"] == DIM_STROKE
    assert json_clusters(graph)["cluster_enrich"]["color"] == HIGHLIGHT
    assert nodes["enrich"]["fillcolor"] == HIGHLIGHT  # the fork bar


def test_transitions_alone_light_every_edge_they_draw() -> None:
    edges = json_edges(graphviz_json(to_dot(sample(), Highlight(transitions=frozenset({8})))))
    assert edges["t8:review"]["color"] == edges["t8:support"]["color"] == HIGHLIGHT
    assert edges["t7:review"]["color"] == DIM_STROKE
