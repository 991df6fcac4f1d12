"""Measures of a workflow for people and reports: counts, cycles, and the shortest and longest way to each end.

Counting simple cycles and finding the longest simple path are exponential in general, so both are bounded.
At most `CYCLE_LIMIT` cycles are counted. Longest paths are found component by component: between strongly
connected components a path only moves forward, so dynamic programming over the components is exact, and
inside each loop-carrying component a depth-first search tries every simple path while a shared budget of
`PATH_STEP_LIMIT` steps lasts. The report says when either bound was hit.

networkx, whose import costs a command-line start-up about 0.2 s, is imported only for a graph with a cycle
(to count cycles and find the loop-carrying components). A graph without one is walked here, in the order
networkx would walk it: wherever several paths are equally long, the one reported is the one networkx's order
reaches first, with or without it (`tests/engine/validation/test_validation_analysis.py` holds the two to it).
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from engine.definition import Workflow
from engine.validation.graph import descendants, machines, top_machine

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["CYCLE_EXAMPLES", "CYCLE_LIMIT", "PATH_STEP_LIMIT", "Analysis", "FinalPaths", "analyze",
           "looping_components"]

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
    states: int = Field(description="All states, those inside parallel branches and map iterators included.")
    states_by_type: dict[str, int]
    branches: int = Field(description="The branches of parallel states (a map's iterator is not one).")
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


class _Graph:
    """A directed graph with one edge at most from a state to another, listing its states and each state's
    neighbours in the order they were added, as networkx's `DiGraph` does."""

    __slots__ = ("_pred", "_succ")

    def __init__(self, nodes: Iterable[str] = ()) -> None:
        self._succ: dict[str, dict[str, None]] = {node: {} for node in nodes}
        self._pred: dict[str, dict[str, None]] = {node: {} for node in self._succ}

    def add_edge(self, source: str, dest: str) -> None:
        self._succ[source][dest] = None
        self._pred[dest][source] = None

    def __iter__(self) -> Iterator[str]:
        return iter(self._succ)

    def __contains__(self, node: object) -> bool:
        return node in self._succ

    def successors(self, node: str) -> Iterator[str]:
        return iter(self._succ[node])

    def predecessors(self, node: str) -> Iterator[str]:
        return iter(self._pred[node])

    def edges(self) -> Iterator[tuple[str, str]]:
        return ((source, dest) for source, dests in self._succ.items() for dest in dests)

    def in_degree(self, node: str) -> int:
        return len(self._pred[node])

    def networkx(self) -> nx.DiGraph:
        import networkx as nx  # noqa: PLC0415 - only a graph with a cycle needs it (see the module's doc)

        graph = nx.DiGraph()
        graph.add_nodes_from(self._succ)
        graph.add_edges_from(self.edges())
        return graph


def acyclic_order(graph: _Graph) -> list[str] | None:
    """The states in the order networkx's `topological_sort(condensation(graph))` lists the components of a
    graph without a cycle, each of them one state; None when the graph has a cycle (a self-loop included).

    networkx numbers the components as its depth-first search finishes them — roots in the graph's order, each
    state's successors in theirs — and sorts them generation by generation: first those nothing leads into, in
    that numbering, then each generation the states whose last predecessor the one before took away, in the
    order the edges from that generation list them."""
    finished: list[str] = []
    seen: set[str] = set()
    for root in graph:
        if root in seen:
            continue
        seen.add(root)
        on_path = {root}
        stack = [(root, graph.successors(root))]
        while stack:
            node, successors = stack[-1]
            for successor in successors:
                if successor in on_path:
                    return None
                if successor not in seen:
                    seen.add(successor)
                    on_path.add(successor)
                    stack.append((successor, graph.successors(successor)))
                    break
            else:
                stack.pop()
                on_path.discard(node)
                finished.append(node)
    waiting = {node: graph.in_degree(node) for node in finished if graph.in_degree(node)}
    generation = [node for node in finished if node not in waiting]
    order: list[str] = []
    while generation:
        order += generation
        following: list[str] = []
        for node in generation:
            for successor in graph.successors(node):
                waiting[successor] -= 1
                if not waiting[successor]:
                    del waiting[successor]
                    following.append(successor)
        generation = following
    return order


def _cycles(graph: _Graph) -> tuple[int, bool, list[list[str]]]:
    """(count up to the limit, whether the limit was hit, a few of the shortest cycles found)."""
    if acyclic_order(graph) is not None:
        return 0, False, []
    import networkx as nx  # noqa: PLC0415 - see the module's doc

    found = list(islice(nx.simple_cycles(graph.networkx()), CYCLE_LIMIT + 1))
    rank = {node: i for i, node in enumerate(graph)}

    def ranks(cycle: list[str]) -> list[int]:  # begun where the file first names one of its states
        start = cycle.index(min(cycle, key=rank.__getitem__))
        return [rank[node] for node in cycle[start:] + cycle[:start]]

    # the shortest, and among those as long the first by the file's order: networkx finds cycles in an order
    # that changes from one process to the next (it walks sets of states), so "the first found" would too
    shortest = heapq.nsmallest(CYCLE_EXAMPLES, (ranks(cycle) for cycle in found[:CYCLE_LIMIT]),
                               key=lambda ranked: (len(ranked), ranked))
    nodes = list(graph)
    examples = [[nodes[i] for i in ranked] for ranked in shortest]
    return min(len(found), CYCLE_LIMIT), len(found) > CYCLE_LIMIT, examples


def _shortest(graph: _Graph, initial: str) -> dict[str, _Step]:
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

    def __init__(self, graph: _Graph, initial: str) -> None:
        self.graph = graph
        self.best: dict[str, _Step] = {initial: _Step(initial, None, 0)}
        self.budget = PATH_STEP_LIMIT
        self.exact = True
        for members in _components(graph):
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


def _components(graph: _Graph) -> list[list[str]]:
    """The strongly connected components in topological order, each one's states in the graph's order."""
    order = acyclic_order(graph)
    if order is not None:
        return [[node] for node in order]
    import networkx as nx  # noqa: PLC0415 - see the module's doc

    rank = {node: i for i, node in enumerate(graph)}
    condensed = nx.condensation(graph.networkx())
    return [sorted(condensed.nodes[component]["members"], key=rank.__getitem__)
            for component in nx.topological_sort(condensed)]


def looping_components(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The groups of states a path can go round: the strongly connected components of the graph (`_components`:
    networkx is imported only when it has a cycle) of more than one state, and each state with an edge to itself;
    each group's states in the order of `nodes`, the groups in topological order."""
    graph = _Graph(nodes)
    for source, dest in edges:
        graph.add_edge(source, dest)
    return [members for members in _components(graph)
            if len(members) > 1 or members[0] in set(graph.successors(members[0]))]


def _useful(graph: _Graph, initial: str, finals: set[str]) -> _Graph:
    """The part of the graph on some way from `initial` to a final state (a final state ends every path)."""
    forward = descendants(initial, graph.successors) | {initial}
    backward = finals & forward
    queue = deque(backward)
    while queue:
        for predecessor in graph.predecessors(queue.popleft()):
            if predecessor not in backward and predecessor in forward:
                backward.add(predecessor)
                queue.append(predecessor)
    trimmed = _Graph(node for node in graph if node in backward)
    for u, v in graph.edges():
        if u in backward and v in backward and u not in finals:
            trimmed.add_edge(u, v)
    return trimmed


def _final_paths(workflow: Workflow, graph: _Graph) -> list[FinalPaths]:
    finals = workflow.final_states()
    useful = _useful(graph, workflow.initial, set(finals)) if workflow.initial in graph else _Graph()
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
    top = top_machine(workflow)
    graph = _Graph(top.states)
    for source, dest, _ in top.edges:
        graph.add_edge(source, dest)
    cycles, bounded, examples = _cycles(graph)
    by_type = Counter(state.type for machine in all_machines for state in machine.states.values())
    return Analysis(
        workflow=workflow.id,
        states=sum(by_type.values()),
        states_by_type=dict(sorted(by_type.items())),
        branches=sum(1 for machine in all_machines if machine.is_branch and not machine.in_map_iterator),
        transitions=sum(len(machine.transitions) for machine in all_machines),
        edges=len(top.edges),
        cycles=cycles,
        cycles_bounded=bounded,
        cycle_examples=examples,
        finals=_final_paths(workflow, graph),
    )
