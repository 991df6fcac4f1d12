"""The graph view of a definition: one machine per state machine, edges keyed by transition index."""

from __future__ import annotations

from typing import Any

import networkx as nx

from engine.definition import Workflow
from engine.validation.graph import machines, workflow_graph


def test_edges_are_keyed_by_transition_index_and_carry_their_trigger(order: dict[str, Any]) -> None:
    graph = workflow_graph(Workflow.model_validate(order))
    assert set(graph.nodes) == {"check", "route", "review", "approved", "rejected"}
    assert graph.nodes["review"]["type"] == "approval"
    assert sorted(graph.edges(keys=True)) == sorted([
        ("check", "route", 0), ("check", "rejected", 1), ("route", "review", 2), ("route", "approved", 3),
        ("review", "approved", 4), ("review", "rejected", 5), ("review", "rejected", 6),
    ])
    assert graph.edges["route", "review", 2] == {
        "trigger": None, "guard": "amount > 1000", "priority": 1, "wildcard": False}


def test_star_expands_to_non_final_states_and_missing_ends_are_left_out(order: dict[str, Any]) -> None:
    order["transitions"] += [{"source": "*", "trigger": "cancel", "dest": "rejected"},
                             {"source": ["route", "nowhere"], "trigger": "x", "dest": "approved"},
                             {"source": "check", "trigger": "y", "dest": "nowhere"}]
    graph = workflow_graph(Workflow.model_validate(order))
    assert sorted(u for u, _, k in graph.edges(keys=True) if k == 7) == ["check", "review", "route"]
    assert [(u, v) for u, v, k in graph.edges(keys=True) if k == 8] == [("route", "approved")]
    assert not [k for *_, k in graph.edges(keys=True) if k == 9]
    assert "nowhere" not in graph


def test_machines_lists_the_workflow_then_each_branch_depth_first(order: dict[str, Any]) -> None:
    def branch(name: str, states: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "initial": next(iter(states)), "states": states}

    inner = {"type": "parallel", "branches": [branch("deep", {"d": {"type": "final"}})]}
    order["states"]["fan"] = {"type": "parallel", "branches": [
        branch("one", {"inner": inner, "end": {"type": "final"}}),
        branch("two", {"t": {"type": "final"}}),
    ]}
    found = machines(Workflow.model_validate(order))
    assert [m.location for m in found] == [
        (),
        ("states", "fan", "branches", 0),
        ("states", "fan", "branches", 0, "states", "inner", "branches", 0),
        ("states", "fan", "branches", 1),
    ]
    assert [(m.parallel, m.branch, m.called()) for m in found[1:3]] == [
        ("fan", "one", "the branch"), ("inner", "deep", "the branch")]
    assert found[2].state_pointer("d") == "/states/fan/branches/0/states/inner/branches/0/states/d"
    assert {"check", "end"} <= found[2].outside
    assert "d" not in found[2].outside


def test_the_checks_adjacency_lists_what_the_networkx_graph_lists(order: dict[str, Any]) -> None:
    """The checks walk `successors`, `predecessors`, `in_edges` and `reachable_from` without networkx: the same
    states in the same order as the MultiDiGraph (with a '*' source, a repeated edge and a missing end)."""
    order["transitions"] += [{"source": "*", "trigger": "cancel", "dest": "rejected"},
                             {"source": "review", "trigger": "again", "dest": "check"},
                             {"source": "review", "trigger": "loop", "dest": "review"},
                             {"source": "check", "trigger": "y", "dest": "nowhere"}]
    for machine in machines(Workflow.model_validate(order)):
        graph = machine.graph
        for sid in machine.states:
            assert list(machine.successors(sid)) == list(graph.successors(sid))
            assert list(machine.predecessors(sid)) == list(graph.predecessors(sid))
            assert list(machine.in_edges(sid)) == list(graph.in_edges(sid, keys=True))
            assert machine.reachable_from(sid) == nx.descendants(graph, sid)
        assert list(machine.edges) == list(graph.edges(keys=True))
