"""Measures of a workflow for people and reports: counts, cycles, and the shortest and longest way to each end.

Counting simple cycles and finding the longest simple path are exponential in general, so both are bounded.
At most `CYCLE_LIMIT` cycles are counted. Longest paths are found component by component: between strongly
connected components a path only moves forward, so dynamic programming over the components is exact, and
inside each loop-carrying component a depth-first search tries every simple path while a shared budget of
`PATH_STEP_LIMIT` steps lasts. The report says when either bound was hit.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from dataclasses import dataclass
from itertools import islice

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from engine.definition import Workflow
from engine.validation.graph import machines, workflow_graph

__all__ = ["CYCLE_EXAMPLES", "CYCLE_LIMIT", "PATH_STEP_LIMIT", "Analysis", "FinalPaths", "analyze"]

CYCLE_LIMIT = 1000
CYCLE_EXAMPLES = 5
PATH_STEP_LIMIT = 200_000


class FinalPaths(BaseModel):
    """How an instance can get from the initial state to one final state, counted in transitions."""

    model_config = ConfigDict(frozen=True)

    final: str
    outcome: str
    reachable: bool
    shortest: int | None = Field(None, description="Fewest transitions from the initial state.")
    shortest_path: list[str] = Field(default_factory=list)
    longest: int | None = Field(None, description="Most transitions on a path that visits no state twice.")
    longest_path: list[str] = Field(default_factory=list)
    longest_exact: bool = Field(True, description="False when the search was bounded: the longest is at least this.")


class Analysis(BaseModel):
    model_config = ConfigDict(frozen=True)

    workflow: str
    states: int = Field(description="All states, those inside parallel branches included.")
    states_by_type: dict[str, int]
    branches: int
    transitions: int = Field(description="Transition entries in the file, branches included.")
    edges: int = Field(description="The workflow's own edges once '*' sources are expanded.")
    cycles: int = Field(description="Simple cycles among the workflow's own states (at most the limit).")
    cycles_bounded: bool = Field(description="True when counting stopped at the limit: there are more.")
    cycle_examples: list[list[str]]
    finals: list[FinalPaths]


@dataclass(frozen=True, slots=True)
class _Step:
    """The last state of a path and the path before it; paths share their prefixes, so keeping one is O(1)."""

    node: str
    previous: _Step | None
    length: int

    def path(self) -> list[str]:
        nodes: list[str] = []
        step: _Step | None = self
        while step is not None:
            nodes.append(step.node)
            step = step.previous
        return nodes[::-1]


def _cycles(graph: nx.DiGraph) -> tuple[int, bool, list[list[str]]]:
    """(count up to the limit, whether the limit was hit, a few of the shortest cycles found)."""
    found = list(islice(nx.simple_cycles(graph), CYCLE_LIMIT + 1))
    rank = {node: i for i, node in enumerate(graph)}
    examples = []
    for cycle in heapq.nsmallest(CYCLE_EXAMPLES, found[:CYCLE_LIMIT], key=len):
        start = cycle.index(min(cycle, key=rank.__getitem__))  # begin where the file first names one
        examples.append(cycle[start:] + cycle[:start])
    examples.sort(key=lambda cycle: (len(cycle), [rank[n] for n in cycle]))
    return min(len(found), CYCLE_LIMIT), len(found) > CYCLE_LIMIT, examples


def _shortest(graph: nx.DiGraph, initial: str) -> dict[str, _Step]:
    """Breadth first: the step reaching each state ends a shortest path to it."""
    steps = {initial: _Step(initial, None, 0)}
    queue = deque([initial])
    while queue:
        step = steps[queue.popleft()]
        for successor in graph.successors(step.node):
            if successor not in steps:
                steps[successor] = _Step(successor, step, step.length + 1)
                queue.append(successor)
    return steps


class _LongestSearch:
    """Longest simple paths from `initial` to every state of a graph whose every state is reachable."""

    def __init__(self, graph: nx.DiGraph, initial: str) -> None:
        self.graph = graph
        self.best: dict[str, _Step] = {initial: _Step(initial, None, 0)}
        self.budget = PATH_STEP_LIMIT
        self.exact = True
        rank = {node: i for i, node in enumerate(graph)}
        condensed = nx.condensation(graph)
        for component in nx.topological_sort(condensed):
            members = sorted(condensed.nodes[component]["members"], key=rank.__getitem__)
            if len(members) > 1:
                self._inside(members)
            member_set = set(members)
            for node in members:
                self._forward(node, member_set)

    def _offer(self, step: _Step) -> None:
        current = self.best.get(step.node)
        if current is None or step.length > current.length:
            self.best[step.node] = step

    def _forward(self, node: str, members: set[str]) -> None:
        step = self.best.get(node)
        if step is not None:
            for successor in self.graph.successors(node):
                if successor not in members:
                    self._offer(_Step(successor, step, step.length + 1))

    def _inside(self, members: list[str]) -> None:
        """Every simple path inside one component, from each state where paths enter it."""
        inside = set(members)
        entries = [(node, self.best[node]) for node in members if node in self.best]
        for _, entry in entries:  # breadth first first, so every member has a path even if the budget ends
            queue = deque([entry])
            while queue:
                step = queue.popleft()
                for successor in self.graph.successors(step.node):
                    if successor in inside and successor not in self.best:
                        self.best[successor] = _Step(successor, step, step.length + 1)
                        queue.append(self.best[successor])
        for node, entry in entries:
            self._search(node, entry, inside)

    def _search(self, node: str, entry: _Step, inside: set[str]) -> None:
        on_path = {node}
        stack = [(entry, iter(self.graph.successors(node)))]
        while stack:
            step, successors = stack[-1]
            successor = next(successors, None)
            if successor is None:
                stack.pop()
                on_path.discard(step.node)
                continue
            self.budget -= 1
            if self.budget < 0:
                self.exact = False
                return
            if successor in inside and successor not in on_path:
                longer = _Step(successor, step, step.length + 1)
                self._offer(longer)
                on_path.add(successor)
                stack.append((longer, iter(self.graph.successors(successor))))


def _useful(graph: nx.DiGraph, initial: str, finals: set[str]) -> nx.DiGraph:
    """The part of the graph on some way from `initial` to a final state (a final state ends every path)."""
    forward = nx.descendants(graph, initial) | {initial}
    backward = finals & forward
    queue = deque(backward)
    while queue:
        for predecessor in graph.predecessors(queue.popleft()):
            if predecessor not in backward and predecessor in forward:
                backward.add(predecessor)
                queue.append(predecessor)
    trimmed = nx.DiGraph()
    trimmed.add_nodes_from(node for node in graph if node in backward)
    trimmed.add_edges_from((u, v) for u, v in graph.edges if u in backward and v in backward and u not in finals)
    return trimmed


def _final_paths(workflow: Workflow, graph: nx.DiGraph) -> list[FinalPaths]:
    finals = workflow.final_states()
    useful = _useful(graph, workflow.initial, set(finals)) if workflow.initial in graph else nx.DiGraph()
    shortest: dict[str, _Step] = {}
    longest: dict[str, _Step] = {}
    exact = True
    if workflow.initial in useful:
        shortest = _shortest(useful, workflow.initial)
        search = _LongestSearch(useful, workflow.initial)
        longest, exact = search.best, search.exact
    report = []
    for final, state in finals.items():
        if final not in shortest:
            report.append(FinalPaths(final=final, outcome=state.outcome, reachable=False))
            continue
        short, long = shortest[final], max(longest.get(final, shortest[final]), shortest[final],
                                           key=lambda step: step.length)
        report.append(FinalPaths(
            final=final, outcome=state.outcome, reachable=True,
            shortest=short.length, shortest_path=short.path(),
            longest=long.length, longest_path=long.path(), longest_exact=exact,
        ))
    return report


def analyze(workflow: Workflow) -> Analysis:
    """Count states, transitions and cycles, and measure the ways from `initial` to each final state."""
    all_machines = machines(workflow)
    edges = workflow_graph(workflow)
    graph = nx.DiGraph()
    graph.add_nodes_from(edges)
    graph.add_edges_from(edges.edges())
    cycles, bounded, examples = _cycles(graph)
    by_type = Counter(state.type for machine in all_machines for state in machine.states.values())
    return Analysis(
        workflow=workflow.id,
        states=sum(by_type.values()),
        states_by_type=dict(sorted(by_type.items())),
        branches=len(all_machines) - 1,
        transitions=sum(len(machine.transitions) for machine in all_machines),
        edges=edges.number_of_edges(),
        cycles=cycles,
        cycles_bounded=bounded,
        cycle_examples=examples,
        finals=_final_paths(workflow, graph),
    )
