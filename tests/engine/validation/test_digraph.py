"""The graph algorithms `analyze` runs without networkx visit nodes in networkx's order: the same components in
the same order, the same topological order, the same cycles in the same order (which cycles are counted first
and which of two equal paths is reported depend on it). networkx is the reference, run on the same graphs."""

from __future__ import annotations

from itertools import islice

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.validation.digraph import (
    DiGraph,
    condensation,
    reachable_from,
    simple_cycles,
    strongly_connected_components,
    topological_order,
)

CYCLES_COMPARED = 2000


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[str], list[tuple[str, str]]]:
    """Nodes in a drawn order (some without edges), then edges: loops and repeats included."""
    size = draw(st.integers(1, 9))
    nodes = draw(st.permutations([f"s{i}" for i in range(size)]))
    edges = draw(st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)), max_size=4 * size))
    return list(nodes), edges


def both(nodes: list[str], edges: list[tuple[str, str]]) -> tuple[DiGraph[str], nx.DiGraph]:
    ours: DiGraph[str] = DiGraph()
    theirs = nx.DiGraph()
    for node in nodes:
        ours.add_node(node)
        theirs.add_node(node)
    for u, v in edges:
        ours.add_edge(u, v)
        theirs.add_edge(u, v)
    return ours, theirs


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_the_graph_lists_nodes_and_edges_as_networkx(drawn: tuple[list[str], list[tuple[str, str]]]) -> None:
    ours, theirs = both(*drawn)
    assert list(ours) == list(theirs)
    assert list(ours.edges()) == list(theirs.edges())
    assert all(list(ours.predecessors(n)) == list(theirs.predecessors(n)) for n in theirs)


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_components_and_their_order_are_networkx_s(drawn: tuple[list[str], list[tuple[str, str]]]) -> None:
    ours, theirs = both(*drawn)
    assert [list(c) for c in strongly_connected_components(ours)] == [
        list(c) for c in nx.strongly_connected_components(theirs)]
    components, condensed = condensation(ours)
    reference = nx.condensation(theirs)
    assert [list(c) for c in components] == [list(reference.nodes[i]["members"]) for i in reference]
    assert list(condensed.edges()) == list(reference.edges())
    assert topological_order(condensed) == list(nx.topological_sort(reference))


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_cycles_come_in_networkx_s_order(drawn: tuple[list[str], list[tuple[str, str]]]) -> None:
    ours, theirs = both(*drawn)
    assert list(islice(simple_cycles(ours), CYCLES_COMPARED)) == list(
        islice(nx.simple_cycles(theirs), CYCLES_COMPARED))


@settings(max_examples=100, deadline=None)
@given(graphs())
def test_reachable_states_are_networkx_s_descendants(drawn: tuple[list[str], list[tuple[str, str]]]) -> None:
    ours, theirs = both(*drawn)
    assert all(reachable_from(ours, n) == nx.descendants(theirs, n) for n in theirs)


def test_a_dense_graph_s_cycles_match_to_the_analysis_limit() -> None:
    """Many overlapping cycles: the subgraph views networkx walks switch between member order and graph order
    as nodes are removed."""
    nodes = [f"s{i}" for i in range(8)]
    edges = [(u, v) for u in nodes for v in nodes if (int(u[1:]) * 3 + int(v[1:])) % 4 != 1]
    ours, theirs = both(nodes, edges)
    assert list(islice(simple_cycles(ours), 1001)) == list(islice(nx.simple_cycles(theirs), 1001))
