"""A definition as graphs: one `Machine` per state machine (the workflow, each parallel branch), whose nodes are
state ids and whose edges are transitions keyed by their index.

The checks walk the machine's own adjacency (`successors`, `predecessors`, `in_edges`, `reachable_from`), listed
in the order networkx's MultiDiGraph lists them; `Machine.graph` gives the same edges as that MultiDiGraph, with
their attributes, for code that wants networkx's algorithms. networkx is imported only when such a graph is
built: importing it takes more CPU than pydantic and Typer together, and a pre-commit `statewright validate`
has half a second.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from engine.definition import ANY_SOURCE, FinalState, MapState, ParallelState, State, Transition, Workflow
from engine.validation.findings import pointer

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Machine", "build_graph", "descendants", "machines", "top_machine", "workflow_graph"]

Token = str | int


@dataclass(frozen=True, eq=False)
class Machine:
    """One state machine of a definition: the workflow itself, one branch of a parallel state, or the iterator
    of a map state (`parallel` then names the map, `branch` is 'iterator' and `in_map` is true).

    `location` holds the JSON pointer tokens of the object that carries `initial`, `states` and
    `transitions`: `()` for the workflow, `("states", "p", "branches", 0)` for p's first branch. `outside`
    holds the ids of the enclosing machines' states, which a branch's transitions must not reach, and
    `enclosing` those states themselves (the nearest machine's where two share an id).
    """

    location: tuple[Token, ...]
    initial: str
    states: Mapping[str, State]
    transitions: Sequence[Transition]
    parallel: str | None = None
    branch: str | None = None
    outside: frozenset[str] = frozenset()
    in_map: bool = False
    enclosing: Mapping[str, State] = field(default_factory=dict)

    @property
    def is_branch(self) -> bool:
        return self.parallel is not None

    @property
    def in_map_iterator(self) -> bool:
        """Whether it is a map's iterator (`parallel` names the map), not a parallel state's branch."""
        return self.branch == "iterator"

    @property
    def runs_per_item(self) -> bool:
        """Whether it runs as a map's item — the iterator, or a branch inside it: its context is then the item's
        input, not the workflow's context."""
        tokens = self.location
        return any(tokens[i] == "iterator" and tokens[i - 2] == "states" for i in range(2, len(tokens)))

    def called(self) -> str:
        """'the workflow', 'the branch' or 'the iterator': the machine as a finding's message names it. A finding
        inside a branch or an iterator leads with the way there (`said_where`), which says which one, so its own
        words need not say it again."""
        if self.parallel is None:
            return "the workflow"
        return "the iterator" if self.in_map else "the branch"

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
    def edges(self) -> tuple[tuple[str, str, int], ...]:
        """(source, destination, transition index) for each source a transition leaves and whose destination
        exists, by source in state order, then in file order."""
        return tuple(
            (source, self.transitions[index].dest, index)
            for source, indexes in self.outgoing.items()
            for index in indexes
            if self.transitions[index].dest in self.states
        )

    @cached_property
    def _forward(self) -> dict[str, dict[str, list[int]]]:
        """source -> destination -> transition indexes, in the order networkx's MultiDiGraph would list them."""
        found: dict[str, dict[str, list[int]]] = {sid: {} for sid in self.states}
        for source, dest, index in self.edges:
            found[source].setdefault(dest, []).append(index)
        return found

    @cached_property
    def _backward(self) -> dict[str, dict[str, list[int]]]:
        """destination -> source -> transition indexes."""
        found: dict[str, dict[str, list[int]]] = {sid: {} for sid in self.states}
        for source, dest, index in self.edges:
            found[dest].setdefault(source, []).append(index)
        return found

    def successors(self, state_id: str) -> Iterator[str]:
        """The states one transition leads to from `state_id`, each once."""
        return iter(self._forward[state_id])

    def predecessors(self, state_id: str) -> Iterator[str]:
        """The states one transition leads from into `state_id`, each once."""
        return iter(self._backward[state_id])

    def in_edges(self, state_id: str) -> Iterator[tuple[str, str, int]]:
        """(source, `state_id`, transition index) of each edge arriving at `state_id`."""
        return ((source, state_id, index) for source, indexes in self._backward[state_id].items()
                for index in indexes)

    def reachable_from(self, state_id: str) -> set[str]:
        """The states some sequence of transitions leads to from `state_id`, never `state_id` itself (as
        networkx's `descendants`)."""
        return descendants(state_id, self.successors)

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        return build_graph(self)


def descendants(node: str, successors: Callable[[str], Iterable[str]]) -> set[str]:
    """The nodes some path leads to from `node`, never `node` itself, breadth first through `successors`."""
    reached = {node}
    queue = deque([node])
    while queue:
        for successor in successors(queue.popleft()):
            if successor not in reached:
                reached.add(successor)
                queue.append(successor)
    reached.discard(node)
    return reached


def build_graph(machine: Machine) -> nx.MultiDiGraph:
    """Nodes are the machine's states (attribute `type`); an edge per (source, transition) whose both ends
    exist, keyed by the transition's index, with `trigger`, `guard`, `priority` and `wildcard` (a '*'
    source) as attributes."""
    import networkx as nx  # noqa: PLC0415 - only the measures that need its algorithms pay for it (see above)

    graph = nx.MultiDiGraph()
    for sid, state in machine.states.items():
        graph.add_node(sid, type=state.type)
    for source, dest, index in machine.edges:
        transition = machine.transitions[index]
        graph.add_edge(
            source,
            dest,
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
    enclosing = {**machine.enclosing, **machine.states}
    for sid, state in machine.states.items():
        if isinstance(state, ParallelState):
            for k, branch in enumerate(state.branches):
                location = (*machine.location, "states", sid, "branches", k)
                yield Machine(location, branch.initial, branch.states, branch.transitions, sid, branch.name, outside,
                              enclosing=enclosing)
        if isinstance(state, MapState) and state.iterator is not None:
            body = state.iterator
            yield Machine((*machine.location, "states", sid, "iterator"), body.initial, body.states,
                          body.transitions, sid, "iterator", outside, in_map=True, enclosing=enclosing)


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
