"""The DOT renderer, read back through Graphviz itself (`dot -Tjson0`): nodes, shapes, edges, clusters."""

from __future__ import annotations

from typing import Any

import pytest
from render_support import (
    EDGES,
    STATE_IDS,
    chain,
    graphviz_json,
    html_lines,
    json_clusters,
    json_edges,
    json_nodes,
    sample,
)

from engine.render import dot_source, to_dot
from engine.render.style import STYLES


@pytest.fixture(scope="module")
def graph() -> dict[str, Any]:
    return graphviz_json(to_dot(sample()))


def test_every_state_is_a_node_named_by_its_qualified_id(graph: dict[str, Any]) -> None:
    nodes = json_nodes(graph)
    assert set(nodes) >= STATE_IDS
    assert all(nodes[qid]["id"] == qid for qid in STATE_IDS)
    assert set(nodes) - STATE_IDS == {":start", ":any", "enrich:join"}


@pytest.mark.parametrize(
    ("state", "key"),
    [("extract", "task"), ("route", "choice"), ("review", "approval"), ("pause", "wait"),
     ("support", "subflow"), ("booked", "final_success"), ("rejected", "final_failure"),
     ("enrich/web/gave_up", "final_failure"), ("enrich/crm/lookup", "task")],
)
def test_each_state_type_has_its_shape_and_colours(graph: dict[str, Any], state: str, key: str) -> None:
    node = json_nodes(graph)[state]
    look = STYLES[key]
    assert (node["shape"], node["fillcolor"], node["color"]) == (look.shape, look.fill, look.stroke)
    assert key in node["class"].split()


def test_the_types_look_different_from_one_another() -> None:
    looks = {(s.shape, s.fill) for s in STYLES.values()}
    assert len(looks) == len(STYLES)
    assert STYLES["final_success"].peripheries == STYLES["final_failure"].peripheries == 2
    assert STYLES["final_success"].fill != STYLES["final_failure"].fill


def test_labels_show_title_id_and_what_the_state_does(graph: dict[str, Any]) -> None:
    nodes = json_nodes(graph)
    assert html_lines(nodes["extract"]["label"]) == ["Extract lead", "extract", "⚙ bdr_concierge · extract_lead"]
    assert html_lines(nodes["review"]["label"]) == ["review", "☺ sales_manager"]
    assert html_lines(nodes["rejected"]["label"]) == ["rejected", "✖ failure"]
    assert html_lines(nodes["support"]["label"]) == ["support", "subflow support_ticket_triage"]
    assert html_lines(nodes["pause"]["label"]) == ["pause", "wait P3D"]


def test_every_transition_is_an_edge_with_trigger_guard_and_priority(graph: dict[str, Any]) -> None:
    edges = json_edges(graph)
    transitions = {key: edge for key, edge in edges.items() if "transition" in edge["class"].split()}
    assert {key: tuple(html_lines(e["label"])) for key, e in transitions.items()} == EDGES
    nodes = {n["_gvid"]: n["name"] for n in json_nodes(graph).values()}
    ends = {key: (nodes[e["tail"]], nodes[e["head"]]) for key, e in transitions.items()}
    assert ends["t8:review"] == ("review", "rejected")
    assert ends["t8:support"] == ("support", "rejected")  # one edge per listed source
    assert ends["t9:*"] == (":any", "rejected")  # '*' is drawn once, from "any non-final state"
    assert ends["t4:enrich"] == ("enrich:join", "support")  # a parallel state is left from its join bar
    assert ends["t3:route"] == ("route", "enrich")  # and entered at its fork bar
    assert transitions["t3:route"]["style"] == "dashed"  # automatic moves are dashed
    assert "style" not in transitions["t0:extract"]


def test_the_start_marker_points_at_the_initial_state(graph: dict[str, Any]) -> None:
    nodes = json_nodes(graph)
    assert nodes[":start"]["shape"] == "point"
    edge = json_edges(graph)[":start>extract"]
    assert nodes["extract"]["_gvid"] == edge["head"]


def test_a_parallel_state_is_a_cluster_holding_one_cluster_per_branch(graph: dict[str, Any]) -> None:
    clusters = json_clusters(graph)
    nodes = {n["_gvid"]: n["name"] for n in json_nodes(graph).values()}
    outer = clusters["cluster_enrich"]
    assert html_lines(outer["label"]) == ["Enrich", "enrich", "parallel, join all"]
    assert outer["label"].count('<BR ALIGN="LEFT"/>') == 3  # each line flush left in the box's corner
    inside = {nodes[i] for i in outer["nodes"]}
    assert inside == {"enrich", "enrich:join", "enrich/crm/lookup", "enrich/crm/done",
                      "enrich/web/search", "enrich/web/found", "enrich/web/gave_up"}
    web = {nodes[i] for i in clusters["cluster_enrich/web"]["nodes"]}
    assert web == {"enrich/web/search", "enrich/web/found", "enrich/web/gave_up"}
    crm = {nodes[i] for i in clusters["cluster_enrich/crm"]["nodes"]}
    assert crm == {"enrich/crm/lookup", "enrich/crm/done"}  # the fork and join bars sit in no branch
    edges = json_edges(graph)
    assert "enrich>enrich/web/search" in edges  # the fork enters each branch's initial state
    assert "enrich/web/gave_up>enrich:join" in edges  # and each branch end meets the join


def test_rendering_is_deterministic() -> None:
    assert to_dot(sample()) == to_dot(sample())
    assert to_dot(chain(60)) == to_dot(chain(60))


def test_short_flows_run_left_to_right_and_long_ones_top_to_bottom() -> None:
    assert 'rankdir="LR"' in to_dot(chain(2))
    assert 'rankdir="TB"' in to_dot(sample())  # 13 states, but 11 ranks from start to end
    assert 'rankdir="TB"' in to_dot(chain(60))


def test_long_edges_of_a_large_flow_are_left_out_of_the_layout_text_only() -> None:
    workflow = chain(60)
    source = dot_source(workflow)
    detached = {line.split('id="', 1)[1].split('"', 1)[0] for line in source.detached}
    failing = {f"t{i}:{t.source}" for i, t in enumerate(workflow.transitions) if t.dest == "failed"}
    assert detached <= failing  # only the long `error` edges, never the chain itself
    assert len(detached) >= 15
    assert not {"t91:s54", "t93:s55"} & detached  # the last tasks fail into 'failed' nearby, which keeps it in place
    assert all(f'id="{key}"' in source.text for key in failing)  # the full DOT keeps every edge
    assert not any(f'id="{key}"' in source.layout_text for key in detached)
    assert all("transition detached" in line for line in source.detached)
    small = dot_source(sample())
    assert small.detached == ()
    assert small.text == small.layout_text
