"""The simple paths of a state machine: every way from its initial state to a final state that enters no
state twice, found depth first in priority order and bounded (a loop is never gone round; it is listed).

Shared by test generation (engine.testgen, `--coverage paths`) and the path time and cost analysis
(engine.paths.analysis)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.definition import FinalState, State, Transition

__all__ = ["Route", "RouteSearch", "loop_edges", "outgoing_by_priority", "simple_routes"]

Route = list[tuple[str, int]]
"""A path as (source state, transition index) steps, in order."""


def outgoing_by_priority(states: Mapping[str, State], transitions: Sequence[Transition]) -> dict[str, list[int]]:
    """The transitions leaving each state, highest priority first (file order breaks ties), with '*' expanded
    to every non-final state; transitions to a state that does not exist are left out."""
    outgoing: dict[str, list[int]] = {sid: [] for sid in states}
    movable = [sid for sid, state in states.items() if not isinstance(state, FinalState)]
    order = sorted(range(len(transitions)), key=lambda i: -transitions[i].priority)
    for index in order:
        for source in transitions[index].sources(movable):
            if source in outgoing and transitions[index].dest in states:
                outgoing[source].append(index)
    return outgoing


@dataclass
class RouteSearch:
    """The routes found, and whether the search stopped at its limit (there may be more)."""

    routes: list[Route]
    bounded: bool


def simple_routes(initial: str, states: Mapping[str, State], transitions: Sequence[Transition],
                  limit: int, outgoing: Mapping[str, list[int]] | None = None) -> RouteSearch:
    """At most `limit` simple routes from `initial` to a final state, depth first in priority order."""
    edges = outgoing_by_priority(states, transitions) if outgoing is None else outgoing
    routes: list[Route] = []
    if initial not in states:
        return RouteSearch(routes, bounded=False)
    stack: list[tuple[str, Route, frozenset[str]]] = [(initial, [], frozenset({initial}))]
    while stack:
        state, route, visited = stack.pop()
        if isinstance(states[state], FinalState):
            if len(routes) >= limit:
                return RouteSearch(routes, bounded=True)
            routes.append(route)
            continue
        for index in reversed(edges.get(state, [])):
            dest = transitions[index].dest
            if dest not in visited:
                stack.append((dest, [*route, (state, index)], visited | {dest}))
    return RouteSearch(routes, bounded=False)


def loop_edges(route: Route, transitions: Sequence[Transition], outgoing: Mapping[str, list[int]]) -> Route:
    """The transitions that leave a state of `route` for a state earlier on it: the loops the route skips."""
    order = [source for source, _ in route]
    position = {state: n for n, state in enumerate(order)}
    found: Route = []
    for n, state in enumerate(order):
        for index in outgoing.get(state, []):
            dest = transitions[index].dest
            if dest in position and position[dest] <= n:
                found.append((state, index))
    return found
