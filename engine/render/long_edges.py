"""Which edges sit out Graphviz's layout pass: the long ones, that make `dot` slow on large flows.

`dot` turns every edge that spans several ranks into a chain of hidden nodes and then orders and places
all of them, so a few hundred long edges (`error → failed` from each of 400 tasks, a `skip` fifty steps
ahead) cost it minutes. In a flow with more than `DETACH_ABOVE` states, a top-level edge that would span
more than `MAX_SPAN` ranks is *detached*: the flow is laid out without it and the edge is drawn straight
over the finished layout. Ranks are estimated as `dot` makes them: cycles broken by a depth-first search
from the initial state, then the longest path to each state. A state never loses all of its edges.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from engine.definition import ANY_SOURCE, MapState, ParallelState, Workflow
from engine.render.scopes import Edge, Scope, all_states, top_scope

__all__ = ["DETACH_ABOVE", "MAX_SPAN", "Detachment", "plan_detachment"]

DETACH_ABOVE = 40
MAX_SPAN = 4


@dataclass(frozen=True, slots=True)
class Detachment:
    """Top-level edges left out of the layout pass, as (transition index, source)."""

    edges: frozenset[tuple[int, str]] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.edges)

    def has(self, edge: Edge) -> bool:
        return (edge.index, edge.source) in self.edges


def _height(scope: Scope, state_id: str) -> int:
    """Ranks a state takes: one, or for a parallel state its fork, its longest branch and its join."""
    state = scope.states.get(state_id)
    if isinstance(state, ParallelState):
        return max(len(branch.states) for branch in state.branches) + 2
    if isinstance(state, MapState) and state.iterator is not None:
        return len(state.iterator.states) + 2
    return 1


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


def _spans(scope: Scope, edges: list[Edge]) -> list[int]:
    """How many ranks each edge would cross in `dot`'s layering (back edges count backwards)."""
    following: dict[str, list[str]] = {}
    for edge in edges:
        following.setdefault(edge.source, []).append(edge.transition.dest)
    order, back = _depth_first([scope.initial, ANY_SOURCE, *scope.states], following)
    rank = dict.fromkeys(order, 0)
    for node in reversed(order):  # a topological order once the back edges are set aside
        for nxt in following.get(node, []):
            if (node, nxt) not in back:
                rank[nxt] = max(rank[nxt], rank[node] + _height(scope, node))
    return [abs(rank[e.transition.dest] - rank[e.source] - _height(scope, e.source) + 1) for e in edges]


def plan_detachment(workflow: Workflow) -> Detachment:
    """The edges to detach; none for flows of up to `DETACH_ABOVE` states, which `dot` lays out quickly."""
    if len(all_states(workflow)) <= DETACH_ABOVE:
        return Detachment()
    scope = top_scope(workflow)
    edges = list(scope.edges())
    spans = _spans(scope, edges)
    long = {n for n, span in enumerate(spans) if span > MAX_SPAN}
    touching: dict[str, list[int]] = {}
    for n, edge in enumerate(edges):
        touching.setdefault(edge.source, []).append(n)
        touching.setdefault(edge.transition.dest, []).append(n)
    for node, mine in touching.items():
        if node != scope.initial and all(n in long for n in mine):
            long.discard(min(mine, key=lambda n: spans[n]))  # keep the state tied to the layout
    return Detachment(frozenset((edges[n].index, edges[n].source) for n in long))
