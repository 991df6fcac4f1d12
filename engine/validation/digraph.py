"""A plain directed graph and the few algorithms `analyze` runs on it: strongly connected components, the
condensation and its topological order, and the simple cycles.

They are networkx 3.6's algorithms, ported step for step so that they visit nodes in the same order (which
cycles are counted first, and which of two equally long paths is reported, depend on it); a test runs both on
random graphs. networkx itself stays out of `statewright analyze`: importing it costs more CPU than pydantic
and Typer together, half of the half second a command on one file may take.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from typing import Generic, TypeVar

__all__ = ["DiGraph", "condensation", "reachable_from", "simple_cycles", "strongly_connected_components",
           "topological_order"]

N = TypeVar("N", bound=Hashable)


class DiGraph(Generic[N]):
    """Nodes in the order first added, each node's successors and predecessors in the order their edges were
    (parallel edges are one edge), as in `networkx.DiGraph`."""

    def __init__(self, edges: Iterable[tuple[N, N]] = ()) -> None:
        self.succ: dict[N, dict[N, None]] = {}
        self.pred: dict[N, dict[N, None]] = {}
        for u, v in edges:
            self.add_edge(u, v)

    def add_node(self, node: N) -> None:
        if node not in self.succ:
            self.succ[node] = {}
            self.pred[node] = {}

    def add_edge(self, u: N, v: N) -> None:
        self.add_node(u)
        self.add_node(v)
        self.succ[u][v] = None
        self.pred[v][u] = None

    def remove_node(self, node: N) -> None:
        for v in self.succ.pop(node):
            del self.pred[v][node]
        for u in self.pred.pop(node):
            del self.succ[u][node]

    def __iter__(self) -> Iterator[N]:
        return iter(self.succ)

    def __contains__(self, node: object) -> bool:
        return node in self.succ

    def __len__(self) -> int:
        return len(self.succ)

    def successors(self, node: N) -> Iterator[N]:
        return iter(self.succ[node])

    def predecessors(self, node: N) -> Iterator[N]:
        return iter(self.pred[node])

    def edges(self) -> Iterator[tuple[N, N]]:
        return ((u, v) for u, successors in self.succ.items() for v in successors)


def _nodes(graph: DiGraph[N], members: set[N] | None) -> Iterator[N]:
    """The nodes of `graph`, or of its subgraph on `members`, in networkx's order for a subgraph view (which
    walks the smaller of the member set and the graph)."""
    if members is None:
        return iter(graph.succ)
    if 2 * len(members) < len(graph.succ):
        return (n for n in members if n in graph.succ)
    return (n for n in graph.succ if n in members)


def _successors(graph: DiGraph[N], node: N, members: set[N] | None) -> Iterator[N]:
    return iter(graph.succ[node]) if members is None else (w for w in graph.succ[node] if w in members)


def strongly_connected_components(graph: DiGraph[N], members: set[N] | None = None) -> Iterator[set[N]]:
    """Tarjan's algorithm without recursion (networkx's `strongly_connected_components`), over `graph` or its
    subgraph on `members`."""
    preorder: dict[N, int] = {}
    lowlink: dict[N, int] = {}
    found: set[N] = set()
    pending: list[N] = []
    counter = 0
    neighbours = {v: _successors(graph, v, members) for v in _nodes(graph, members)}
    for source in _nodes(graph, members):
        if source in found:
            continue
        queue = [source]
        while queue:
            v = queue[-1]
            if v not in preorder:
                counter += 1
                preorder[v] = counter
            done = True
            for w in neighbours[v]:
                if w not in preorder:
                    queue.append(w)
                    done = False
                    break
            if not done:
                continue
            lowlink[v] = preorder[v]
            for w in _successors(graph, v, members):
                if w not in found:
                    lowlink[v] = min(lowlink[v], lowlink[w] if preorder[w] > preorder[v] else preorder[w])
            queue.pop()
            if lowlink[v] == preorder[v]:
                component = {v}
                while pending and preorder[pending[-1]] > preorder[v]:
                    component.add(pending.pop())
                found.update(component)
                yield component
            else:
                pending.append(v)


def condensation(graph: DiGraph[N]) -> tuple[list[set[N]], DiGraph[int]]:
    """The components (numbered in the order found) and the graph of the edges between them."""
    components = list(strongly_connected_components(graph))
    number = {node: i for i, component in enumerate(components) for node in component}
    condensed: DiGraph[int] = DiGraph()
    for i in range(len(components)):
        condensed.add_node(i)
    for u, v in graph.edges():
        if number[u] != number[v]:
            condensed.add_edge(number[u], number[v])
    return components, condensed


def topological_order(graph: DiGraph[N]) -> list[N]:
    """Generation by generation, as networkx's `topological_sort` (the graph has no cycle)."""
    indegree = {v: len(p) for v, p in graph.pred.items() if p}
    generation = [v for v, p in graph.pred.items() if not p]
    order: list[N] = []
    while generation:
        order.extend(generation)
        following = []
        for node in generation:
            for child in graph.succ[node]:
                indegree[child] -= 1
                if indegree[child] == 0:
                    following.append(child)
                    del indegree[child]
        generation = following
    return order


def reachable_from(graph: DiGraph[N], source: N) -> set[N]:
    """The nodes some path leads to from `source`, never `source` itself (networkx's `descendants`)."""
    reached = {source}
    queue = [source]
    while queue:
        for successor in graph.succ[queue.pop()]:
            if successor not in reached:
                reached.add(successor)
                queue.append(successor)
    reached.discard(source)
    return reached


def simple_cycles(graph: DiGraph[N]) -> Iterator[list[N]]:
    """Every cycle that visits no node twice, in networkx's `simple_cycles` order: the loops first, then
    Johnson's search in one strongly connected component after another."""
    yield from ([v] for v, successors in graph.succ.items() if v in successors)
    loopless: DiGraph[N] = DiGraph((u, v) for u, successors in graph.succ.items() for v in successors if v != u)
    components = [c for c in strongly_connected_components(loopless) if len(c) >= 2]
    while components:
        component = components.pop()
        members = {n for n in component if n in loopless}
        start = next(iter(component))
        yield from _johnson(loopless, members, start)
        loopless.remove_node(start)
        components.extend(c for c in strongly_connected_components(loopless, members) if len(c) >= 2)


def _johnson(graph: DiGraph[N], members: set[N], start: N) -> Iterator[list[N]]:
    """The cycles through `start` inside `members` (Johnson, 1975; networkx's `_johnson_cycle_search`)."""
    neighbours: dict[N, list[N]] = {}

    def around(v: N) -> list[N]:
        if v not in neighbours:
            neighbours[v] = list(_successors(graph, v, members))
        return neighbours[v]

    path = [start]
    blocked = {start}
    holds: defaultdict[N, set[N]] = defaultdict(set)
    stack = [iter(around(start))]
    closed = [False]
    while stack:
        for w in stack[-1]:
            if w == start:
                yield path[:]
                closed[-1] = True
            elif w not in blocked:
                path.append(w)
                closed.append(False)
                stack.append(iter(around(w)))
                blocked.add(w)
                break
        else:
            stack.pop()
            v = path.pop()
            if closed.pop():
                if closed:
                    closed[-1] = True
                unblock = {v}
                while unblock:
                    u = unblock.pop()
                    if u in blocked:
                        blocked.remove(u)
                        unblock.update(holds[u])
                        holds[u].clear()
            else:
                for w in around(v):
                    holds[w].add(v)
