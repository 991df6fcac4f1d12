"""`dot`'s layering of a flow's top level, estimated without running it: cycles broken by a depth-first search
from the initial state, then each state ranked one past the longest path to it. A parallel state (or a map with
an iterator) is a box that takes several ranks: its fork, its longest branch and its join.

The long-edge plan (`long_edges`) reads how many ranks an edge spans; the default direction (`direction`)
reads how many ranks the flow takes, and how many states stand side by side in its broadest one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from engine.definition import ANY_SOURCE, MapState, ParallelState
from engine.render.scopes import Edge, Scope

__all__ = ["Layering", "height", "layering"]


def height(scope: Scope, state_id: str) -> int:
    """Ranks a state takes: one, or for a parallel state its fork, its longest branch and its join."""
    state = scope.states.get(state_id)
    if isinstance(state, ParallelState):
        return max(len(branch.states) for branch in state.branches) + 2
    if isinstance(state, MapState) and state.iterator is not None:
        return len(state.iterator.states) + 2
    return 1


def _across(scope: Scope, state_id: str) -> int:
    """States side by side inside a box: one per branch (a map's items run one flow, drawn once)."""
    state = scope.states.get(state_id)
    return len(state.branches) if isinstance(state, ParallelState) else 1


def _depth_first(roots: list[str], following: dict[str, list[str]]) -> tuple[list[str], set[tuple[str, str]]]:
    """Post-order of every node reached from `roots`, and the back edges that close cycles."""
    status: dict[str, bool] = {}  # False while on the stack, True when finished
    order: list[str] = []
    back: set[tuple[str, str]] = set()
    for root in roots:
        if root in status:
            continue
        status[root] = False
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(following.get(root, [])))]
        while stack:
            node, pending = stack[-1]
            nxt = next(pending, None)
            if nxt is None:
                status[node] = True
                order.append(node)
                stack.pop()
            elif nxt not in status:
                status[nxt] = False
                stack.append((nxt, iter(following.get(nxt, []))))
            elif not status[nxt]:
                back.add((node, nxt))
    return order, back


@dataclass(frozen=True, slots=True)
class Layering:
    """Each node's first rank (`rank`, the states and '*'), with the scope it was estimated over."""

    scope: Scope
    rank: dict[str, int]

    @property
    def depth(self) -> int:
        """How many ranks the flow takes, end to end (its longest path, loops cut)."""
        return max((self.rank.get(s, 0) + height(self.scope, s) for s in self.scope.states), default=0)

    @property
    def breadth(self) -> int:
        """The most states side by side in one rank (a box's branches counted side by side)."""
        count: Counter[int] = Counter()
        for state_id in self.scope.states:
            first, last = self.rank.get(state_id, 0), self.rank.get(state_id, 0) + height(self.scope, state_id) - 1
            for rank in range(first, last + 1):
                count[rank] += _across(self.scope, state_id) if first < rank < last else 1
        return max(count.values(), default=0)

    def span(self, edge: Edge) -> int:
        """How many ranks `edge` crosses (a back edge counts backwards)."""
        source, dest = edge.source, edge.transition.dest
        return abs(self.rank[dest] - self.rank[source] - height(self.scope, source) + 1)


def layering(scope: Scope, edges: Sequence[Edge] | None = None) -> Layering:
    """The ranks of `scope`'s states, from its `edges` (default: all of them)."""
    following: dict[str, list[str]] = {}
    for edge in scope.edges() if edges is None else edges:
        following.setdefault(edge.source, []).append(edge.transition.dest)
    order, back = _depth_first([scope.initial, ANY_SOURCE, *scope.states], following)
    rank = dict.fromkeys(order, 0)
    for node in reversed(order):  # a topological order once the back edges are set aside
        for nxt in following.get(node, []):
            if (node, nxt) not in back:
                rank[nxt] = max(rank[nxt], rank[node] + height(scope, node))
    return Layering(scope, rank)
