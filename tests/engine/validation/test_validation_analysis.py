"""analyze(): counts, cycles, and the shortest and longest simple paths to each final state."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.definition import Workflow
from engine.validation import analysis
from engine.validation.analysis import FinalPaths, analyze


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
