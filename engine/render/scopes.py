"""A workflow's state machines: the top level, each parallel branch and each map's iterator (a box with one
branch, `iterator`), with qualified state ids.

A branch's states live in their own namespace, so every renderer names them by their path from the
top: `enrich/crm/lookup` is state `lookup` of branch `crm` of the parallel state `enrich`. Identifiers
cannot contain '/', so a qualified id never collides with a top-level one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from engine.definition import ANY_SOURCE, FinalState, MapState, ParallelState, State, Transition, Workflow

__all__ = [
    "SEPARATOR", "Edge", "Scope", "all_states", "branch_scopes", "first_numbers", "is_box", "iter_scopes", "qualify",
    "top_scope",
]

SEPARATOR = "/"


def qualify(prefix: str, name: str) -> str:
    """`qualify('enrich/crm', 'lookup')` → 'enrich/crm/lookup'; an empty prefix is the top level."""
    return f"{prefix}{SEPARATOR}{name}" if prefix else name


@dataclass(frozen=True, slots=True)
class Edge:
    """One drawn edge of a transition: a transition with several sources draws one edge per source.

    `source` is a local state id, or '*' for a transition from any non-final state (drawn once).
    """

    index: int
    source: str
    transition: Transition


@dataclass(frozen=True, slots=True)
class Scope:
    """One state machine: the workflow's top level (`path` '') or a parallel branch ('enrich/crm')."""

    path: str
    initial: str
    states: Mapping[str, State]
    transitions: Sequence[Transition]

    def qid(self, state_id: str) -> str:
        """The qualified id of one of this scope's states."""
        return qualify(self.path, state_id)

    def edges(self) -> Iterator[Edge]:
        """Every edge to draw, in declaration order."""
        for index, transition in enumerate(self.transitions):
            if transition.source == ANY_SOURCE:
                yield Edge(index, ANY_SOURCE, transition)
            elif isinstance(transition.source, str):
                yield Edge(index, transition.source, transition)
            else:
                for source in dict.fromkeys(transition.source):
                    yield Edge(index, source, transition)

    def matching(self, source: str, trigger: str | None, dest: str) -> list[int]:
        """Indexes of the transitions that move `source` to `dest` on `trigger` (local ids)."""
        final = isinstance(self.states.get(source), FinalState)
        return [
            edge.index
            for edge in self.edges()
            if edge.transition.dest == dest
            and edge.transition.trigger == trigger
            and (edge.source == source or (edge.source == ANY_SOURCE and not final))
        ]


def top_scope(workflow: Workflow) -> Scope:
    return Scope("", workflow.initial, workflow.states, workflow.transitions)


def is_box(state: State | None) -> bool:
    """Whether the state is drawn as a box around machines of its own: a parallel state, a map with an iterator."""
    return isinstance(state, ParallelState) or (isinstance(state, MapState) and state.iterator is not None)


def branch_scopes(scope: Scope, state_id: str, parallel: State) -> list[Scope]:
    """The branches of the parallel state `state_id` of `scope` (or the iterator of a map), each a scope."""
    owner = scope.qid(state_id)
    if isinstance(parallel, MapState):
        body = parallel.iterator
        return [] if body is None else [Scope(qualify(owner, "iterator"), body.initial, body.states, body.transitions)]
    if not isinstance(parallel, ParallelState):
        return []
    return [Scope(qualify(owner, b.name), b.initial, b.states, b.transitions) for b in parallel.branches]


def iter_scopes(workflow: Workflow) -> Iterator[Scope]:
    """The top level first, then every branch depth-first, in declaration order."""
    pending = [top_scope(workflow)]
    while pending:
        scope = pending.pop(0)
        yield scope
        nested = [
            branch
            for sid, state in scope.states.items()
            if is_box(state)
            for branch in branch_scopes(scope, sid, state)
        ]
        pending[:0] = nested


def first_numbers(workflow: Workflow) -> dict[str, int]:
    """How many transitions come before each scope's first, scopes in `iter_scopes` order: the review pack numbers
    every transition once (T1… the top level's, then each branch's on from there), so no two share a T-number."""
    numbers: dict[str, int] = {}
    count = 0
    for scope in iter_scopes(workflow):
        numbers[scope.path] = count
        count += len(scope.transitions)
    return numbers


def all_states(workflow: Workflow) -> dict[str, State]:
    """Every state of the workflow, branch states included, by qualified id."""
    return {scope.qid(sid): state for scope in iter_scopes(workflow) for sid, state in scope.states.items()}
