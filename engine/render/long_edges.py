"""Which edges sit out Graphviz's layout pass: the long ones, that make `dot` slow on large flows.

`dot` turns every edge that spans several ranks into a chain of hidden nodes and then orders and places
all of them, so a few hundred long edges (`error → failed` from each of 400 tasks, a `skip` fifty steps
ahead) cost it minutes. In a flow with more than `DETACH_ABOVE` states, a top-level edge that would span
more than `MAX_SPAN` ranks is *detached*: the flow is laid out without it and the edge is drawn straight
over the finished layout. Ranks are estimated as `dot` makes them (`ranks`). A state never loses all of its
edges.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.definition import Workflow
from engine.render.ranks import Layering, layering
from engine.render.scopes import Edge, all_states, top_scope

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


def plan_detachment(workflow: Workflow, layers: Layering | None = None) -> Detachment:
    """The edges to detach; none for flows of up to `DETACH_ABOVE` states, which `dot` lays out quickly.
    `layers`: the top level's layering, when the caller has it already."""
    if len(all_states(workflow)) <= DETACH_ABOVE:
        return Detachment()
    scope = top_scope(workflow)
    edges = list(scope.edges())
    layers = layers or layering(scope, edges)
    spans = [layers.span(edge) for edge in edges]
    long = {n for n, span in enumerate(spans) if span > MAX_SPAN}
    touching: dict[str, list[int]] = {}
    for n, edge in enumerate(edges):
        touching.setdefault(edge.source, []).append(n)
        touching.setdefault(edge.transition.dest, []).append(n)
    for node, mine in touching.items():
        if node != scope.initial and all(n in long for n in mine):
            long.discard(min(mine, key=lambda n: spans[n]))  # keep the state tied to the layout
    return Detachment(frozenset((edges[n].index, edges[n].source) for n in long))
