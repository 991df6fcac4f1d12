"""analyze(): counts, cycles, and the shortest and longest simple paths to each final state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.definition import Workflow
from engine.validation import analysis
from engine.validation.analysis import FinalPaths, analyze

ROOT = Path(__file__).resolve().parents[3]


def machine(edges: list[tuple[str, str]], finals: tuple[str, ...] = ("end",), initial: str = "s") -> Workflow:
    """A workflow whose non-final states are timed waits, one transition per edge."""
    names = dict.fromkeys([initial, *(n for edge in edges for n in edge), *finals])
    states: dict[str, Any] = {
        n: {"type": "final"} if n in finals else {"type": "wait", "duration": "PT1M"} for n in names
    }
    transitions = [{"source": u, "trigger": f"go_{i}", "dest": v} for i, (u, v) in enumerate(edges)]
    return Workflow.model_validate(
        {"id": "g", "title": "Graph", "initial": initial, "states": states, "transitions": transitions})


def final(report: analysis.Analysis, name: str = "end") -> FinalPaths:
    return next(f for f in report.finals if f.final == name)


def assert_is_path(workflow: Workflow, path: list[str]) -> None:
    edges = {(s, t.dest) for t in workflow.transitions for s in t.sources(list(workflow.states))}
    assert path[0] == workflow.initial
    assert len(set(path)) == len(path), f"not simple: {path}"
    assert all((u, v) in edges for u, v in pairwise(path)), path


def test_a_chain_has_one_path_and_no_cycle() -> None:
    report = analyze(machine([("s", "a"), ("a", "end")]))
    assert (report.states, report.transitions, report.edges, report.cycles) == (3, 2, 2, 0)
    assert report.states_by_type == {"final": 1, "wait": 2}
    assert final(report) == FinalPaths(final="end", outcome="success", reachable=True, shortest=2,
                                       shortest_path=["s", "a", "end"], longest=2, longest_path=["s", "a", "end"])


def test_shortcut_and_long_way_give_different_lengths() -> None:
    report = analyze(machine([("s", "a"), ("a", "b"), ("b", "end"), ("s", "end"), ("a", "end")]))
    end = final(report)
    assert (end.shortest, end.shortest_path) == (1, ["s", "end"])
    assert (end.longest, end.longest_path, end.longest_exact) == (3, ["s", "a", "b", "end"], True)


def test_a_loop_is_counted_and_the_longest_path_goes_round_it_once() -> None:
    report = analyze(machine([("s", "a"), ("a", "b"), ("b", "a"), ("b", "end"), ("a", "end"), ("a", "c"),
                              ("c", "b")]))
    assert report.cycles == 2
    assert report.cycle_examples == [["a", "b"], ["a", "c", "b"]]
    end = final(report)
    assert (end.shortest, end.longest, end.longest_exact) == (2, 4, True)
    assert end.longest_path == ["s", "a", "c", "b", "end"]


def test_cycle_examples_start_at_the_state_named_first_and_shortest_come_first() -> None:
    report = analyze(machine([("s", "x"), ("x", "x"), ("x", "y"), ("y", "z"), ("z", "y"), ("z", "s"), ("z", "end")]))
    assert report.cycles == 3
    assert report.cycle_examples == [["x"], ["y", "z"], ["s", "x", "y", "z"]]


def test_an_unreachable_final_is_reported_without_paths() -> None:
    report = analyze(machine([("s", "end"), ("orphan", "lost")], finals=("end", "lost")))
    lost = final(report, "lost")
    assert lost == FinalPaths(final="lost", outcome="success", reachable=False)
    assert final(report).reachable


def test_counting_cycles_stops_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis, "CYCLE_LIMIT", 2)
    report = analyze(machine([("s", "s"), ("s", "a"), ("a", "a"), ("a", "s"), ("a", "end")]))
    assert (report.cycles, report.cycles_bounded) == (2, True)


def test_a_bounded_longest_search_says_so_and_still_gives_a_real_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis, "PATH_STEP_LIMIT", 10)
    nodes = ["s", "a", "b", "c", "d", "e"]
    workflow = machine([(u, v) for u in nodes for v in nodes if u != v] + [(n, "end") for n in nodes])
    end = final(analyze(workflow))
    assert end.longest_exact is False
    assert end.shortest == 1
    assert end.longest is not None
    assert end.longest >= end.shortest
    assert_is_path(workflow, end.longest_path)
    assert len(end.longest_path) == end.longest + 1


def test_counts_include_branch_states_and_star_edges(order: dict[str, Any]) -> None:
    order["states"]["fan"] = {"type": "parallel", "branches": [
        {"name": "one", "initial": "t", "states": {"t": {"type": "task", "action": "x"}, "f": {"type": "final"}},
         "transitions": [{"source": "t", "trigger": "done", "dest": "f"}]}]}
    order["transitions"].append({"source": "*", "trigger": "cancel", "dest": "rejected"})
    report = analyze(Workflow.model_validate(order))
    assert report.states_by_type == {"approval": 1, "choice": 1, "final": 3, "parallel": 1, "task": 2}
    assert (report.states, report.branches, report.transitions) == (8, 1, 9)
    assert report.edges == 7 + 4  # '*' leaves check, route, review and fan


@st.composite
def small_graphs(draw: st.DrawFn) -> list[tuple[str, str]]:
    inner = [f"n{i}" for i in range(draw(st.integers(1, 6)))]
    pairs = st.tuples(st.sampled_from(inner), st.sampled_from([*inner, "end", "alt"]))
    return draw(st.lists(pairs, max_size=18, unique=True))


@given(small_graphs())
@settings(max_examples=150, deadline=None)
def test_paths_agree_with_enumerating_every_simple_path(edges: list[tuple[str, str]]) -> None:
    workflow = machine(edges, finals=("end", "alt"), initial="n0")
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(["n0", "end", "alt"])
    for report in analyze(workflow).finals:
        paths = list(nx.all_simple_paths(graph, "n0", report.final))
        assert report.reachable == bool(paths)
        if paths:
            assert report.shortest == min(len(p) for p in paths) - 1
            assert report.longest == max(len(p) for p in paths) - 1
            assert report.longest_exact
            assert_is_path(workflow, report.shortest_path)
            assert_is_path(workflow, report.longest_path)
            assert report.longest_path[-1] == report.final


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[str], list[tuple[str, str]]]:
    """States in a drawn order, and edges among them (with cycles or not)."""
    nodes = draw(st.permutations([f"n{i}" for i in range(draw(st.integers(1, 9)))]))
    pairs = st.tuples(st.sampled_from(nodes), st.sampled_from(nodes))
    return list(nodes), draw(st.lists(pairs, max_size=24, unique=True))


@given(graphs())
@settings(max_examples=300, deadline=None)
def test_the_order_of_an_acyclic_graph_is_the_one_networkx_gives(
        drawn: tuple[list[str], list[tuple[str, str]]]) -> None:
    """Without a cycle, networkx is not imported, and the order states are taken in decides which of several
    equally long paths is reported: it must be the order networkx's condensation sorts topologically."""
    nodes, edges = drawn
    ours = analysis._Graph(nodes)
    for u, v in edges:
        ours.add_edge(u, v)
    theirs = nx.DiGraph()
    theirs.add_nodes_from(nodes)
    theirs.add_edges_from(edges)
    order = analysis.acyclic_order(ours)
    if not nx.is_directed_acyclic_graph(theirs):
        assert order is None
        return
    condensed = nx.condensation(theirs)
    assert order == [next(iter(condensed.nodes[c]["members"])) for c in nx.topological_sort(condensed)]


def test_analysing_a_workflow_without_a_cycle_does_not_import_networkx() -> None:
    """networkx's import is about 0.2 s of a `statewright analyze` (the shipped lead flow has no cycle)."""
    script = ("import sys; from pathlib import Path; from engine.validation.loader import require_workflow; "
              "from engine.validation.analysis import analyze; "
              "report = analyze(require_workflow(Path('definitions/workflows/lead_qualification.json'))); "
              "print(report.cycles, 'networkx' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.split() == ["0", "False"]


def test_cycle_examples_are_the_same_in_every_process() -> None:
    """Among cycles as long as each other, the examples are the first by the file's order — not the first
    networkx happened to find, an order that changes with the process's hash seed."""
    pairs = [("s", "a"), ("a", "s"), ("b", "c"), ("c", "b"), ("d", "e"), ("e", "d"), ("a", "b"), ("b", "a"),
             ("c", "d"), ("d", "c"), ("e", "s"), ("s", "e"), ("e", "end")]
    states = ["s", "a", "b", "c", "d", "e", "end"]
    document = {"id": "g", "title": "G", "initial": "s",
                "states": {n: {"type": "final"} if n == "end" else {"type": "wait", "duration": "PT1M"}
                           for n in states},
                "transitions": [{"source": u, "trigger": f"go_{i}", "dest": v} for i, (u, v) in enumerate(pairs)]}
    script = ("import json, sys; from engine.definition import Workflow; from engine.validation.analysis import "
              "analyze; print(json.dumps(analyze(Workflow.model_validate(json.loads(sys.argv[1]))).cycle_examples))")
    seen = {subprocess.run([sys.executable, "-c", script, json.dumps(document)], capture_output=True, text=True,
                           check=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
            for seed in range(6)}
    assert [json.loads(text) for text in seen] == [[["s", "a"], ["s", "e"], ["a", "b"], ["b", "c"], ["c", "d"]]]


def test_a_maps_iterator_is_not_counted_as_a_parallel_branch(order: dict[str, Any]) -> None:
    order["states"]["each"] = {"type": "map", "items": "lines", "iterator": {
        "initial": "t", "states": {"t": {"type": "task", "action": "x"}, "f": {"type": "final"}},
        "transitions": [{"source": "t", "trigger": "done", "dest": "f"}]}}
    report = analyze(Workflow.model_validate(order))
    assert report.branches == 0
    assert report.states_by_type["map"] == 1
