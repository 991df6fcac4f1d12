"""A definition as graphs: one `Machine` per state machine (the workflow, each parallel branch), each a
networkx MultiDiGraph whose nodes are state ids and whose edges are transitions keyed by their index."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from engine.definition import ANY_SOURCE, FinalState, MapState, ParallelState, State, Transition, Workflow
from engine.validation.findings import pointer

__all__ = ["Machine", "build_graph", "machines", "top_machine", "workflow_graph"]

Token = str | int


@dataclass(frozen=True, eq=False)
class Machine:
    """One state machine of a definition: the workflow itself, one branch of a parallel state, or the iterator
    of a map state (`parallel` then names the map, `branch` is 'iterator' and `in_map` is true).

    `location` holds the JSON pointer tokens of the object that carries `initial`, `states` and
    `transitions`: `()` for the workflow, `("states", "p", "branches", 0)` for p's first branch. `outside`
    holds the ids of the enclosing machines' states, which a branch's transitions must not reach.
    """

    location: tuple[Token, ...]
    initial: str
    states: Mapping[str, State]
    transitions: Sequence[Transition]
    parallel: str | None = None
    branch: str | None = None
    outside: frozenset[str] = frozenset()
    in_map: bool = False

    @property
    def is_branch(self) -> bool:
        return self.parallel is not None

    def describe(self) -> str:
        """'the workflow' or "branch 'b' of parallel state 'p'", for messages."""
        if self.parallel is None:
            return "the workflow"
        if self.in_map:
            return f"the iterator of map state '{self.parallel}'"
        return f"branch '{self.branch}' of parallel state '{self.parallel}'"

    def state_pointer(self, state_id: str, *field: Token) -> str:
        return pointer(*self.location, "states", state_id, *field)

    def transition_pointer(self, index: int, *field: Token) -> str:
        return pointer(*self.location, "transitions", index, *field)

    def field_pointer(self, *field: Token) -> str:
        return pointer(*self.location, *field)

    @cached_property
    def finals(self) -> frozenset[str]:
        return frozenset(sid for sid, state in self.states.items() if isinstance(state, FinalState))

    @cached_property
    def non_final(self) -> tuple[str, ...]:
        return tuple(sid for sid in self.states if sid not in self.finals)

    def sources(self, transition: Transition) -> list[str]:
        """The states a transition leaves, with '*' expanded to every non-final state of this machine."""
        if transition.source == ANY_SOURCE:
            return list(self.non_final)
        return transition.sources([])

    @cached_property
    def outgoing(self) -> dict[str, list[int]]:
        """Transition indexes leaving each existing state (whatever their destination), in file order."""
        found: dict[str, list[int]] = {sid: [] for sid in self.states}
        for index, transition in enumerate(self.transitions):
            for source in dict.fromkeys(self.sources(transition)):
                if source in found:
                    found[source].append(index)
        return found

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        return build_graph(self)


def build_graph(machine: Machine) -> nx.MultiDiGraph:
    """Nodes are the machine's states (attribute `type`); an edge per (source, transition) whose both ends
    exist, keyed by the transition's index, with `trigger`, `guard`, `priority` and `wildcard` (a '*'
    source) as attributes."""
    graph = nx.MultiDiGraph()
    for sid, state in machine.states.items():
        graph.add_node(sid, type=state.type)
    for source, indexes in machine.outgoing.items():
        for index in indexes:
            transition = machine.transitions[index]
            if transition.dest in machine.states:
                graph.add_edge(
                    source,
                    transition.dest,
                    key=index,
                    trigger=transition.trigger,
                    guard=transition.guard,
                    priority=transition.priority,
                    wildcard=transition.source == ANY_SOURCE,
                )
    return graph


def top_machine(workflow: Workflow) -> Machine:
    return Machine((), workflow.initial, workflow.states, workflow.transitions)


def _branches_of(machine: Machine) -> Iterator[Machine]:
    outside = machine.outside | frozenset(machine.states)
    for sid, state in machine.states.items():
        if isinstance(state, ParallelState):
            for k, branch in enumerate(state.branches):
                location = (*machine.location, "states", sid, "branches", k)
                yield Machine(location, branch.initial, branch.states, branch.transitions, sid, branch.name, outside)
        if isinstance(state, MapState) and state.iterator is not None:
            body = state.iterator
            yield Machine((*machine.location, "states", sid, "iterator"), body.initial, body.states,
                          body.transitions, sid, "iterator", outside, in_map=True)


def machines(workflow: Workflow) -> list[Machine]:
    """The workflow's machine first, then every branch, depth first (branches of branches included)."""
    found: list[Machine] = []
    pending = [top_machine(workflow)]
    while pending:
        machine = pending.pop()
        found.append(machine)
        pending.extend(reversed(list(_branches_of(machine))))
    return found


def workflow_graph(workflow: Workflow) -> nx.MultiDiGraph:
    """The graph of the workflow's own states and transitions (branches stay inside their parallel state)."""
    return top_machine(workflow).graph
