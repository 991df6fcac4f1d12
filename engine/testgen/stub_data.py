"""What stub handlers answer beyond what a path's decisions need: a default for every value the flow reads.

Input mappings, assignments and results read values that no guard decides (`lead.company`); a stub output
without them would fail the flow for a reason the path is not about. Values that guards read are left to the
planner, which sets them (or leaves them out, for `has()`), so defaults never change a decision.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from engine.definition import (
    ApprovalState,
    FinalState,
    MapState,
    ParallelState,
    SubflowState,
    TaskState,
    WaitState,
    Workflow,
)
from engine.definition.cel_reading import Part, PathRef, UnreadableExpression, parse, path_uses
from engine.definition.paths import path_parts
from engine.testgen.values import ABSENT, default_for, get_path, schema_at, set_path, value_for_schema
from engine.validation.graph import Machine, machines

__all__ = ["FlowReads", "task_states"]


_NOT_CONTEXT = frozenset({"event", "instance", "now", "budget", "memory", "context"})  # read, but no context key


def _machine_expressions(machine: Machine, *, map_inputs: bool = True) -> Iterator[tuple[str, bool]]:
    """(CEL source, whether it is a guard) for every expression of one machine (not of its branches); without
    `map_inputs`, not the `input` of its map states (read with the item and its index beside the context)."""
    for state in machine.states.values():
        mappings: list[dict[str, str]] = []
        if isinstance(state, TaskState | SubflowState) or (isinstance(state, MapState) and map_inputs):
            mappings.append(state.input)
        if isinstance(state, ApprovalState):
            mappings.append(state.request)
        if isinstance(state, FinalState):
            mappings.append(state.result)
        for mapping in mappings:
            yield from ((source, False) for source in mapping.values())
        if isinstance(state, MapState):
            yield state.items, False
        if isinstance(state, WaitState) and state.event is not None and state.event.correlation:
            yield state.event.correlation, False
    for transition in machine.transitions:
        if transition.guard:
            yield transition.guard, True
        yield from ((source, False) for source in transition.assign.values())


def _context_expressions(machine: Machine) -> Iterator[tuple[str, bool, tuple[str, ...]]]:
    """(CEL source, whether it is a guard, the names it reads that are not context keys) for every expression of
    one machine: a map's `input` reads its item and index under the map's `item_key` and `index_key`."""
    for state in machine.states.values():
        if isinstance(state, MapState):
            yield from ((source, False, (state.item_key, state.index_key)) for source in state.input.values())
    yield from ((source, is_guard, ()) for source, is_guard in _machine_expressions(machine, map_inputs=False))


def _iterator_machines(state: MapState) -> list[Machine]:
    """A map's iterator and the branches of the parallel states in it: the machines an item's context reaches."""
    if state.iterator is None:
        return []
    body = state.iterator
    found = [Machine((), body.initial, body.states, body.transitions)]
    for inner in body.states.values():
        if isinstance(inner, ParallelState):
            found.extend(Machine((), b.initial, b.states, b.transitions) for b in inner.branches)
    return found


def _expressions(workflow: Workflow) -> Iterator[tuple[str, bool]]:
    """(CEL source, whether it is a guard) for every expression of the flow, branches included."""
    for machine in machines(workflow):
        yield from _machine_expressions(machine)
    for policy in workflow.policies:
        yield policy.condition, True


class FlowReads:
    """The paths every expression reads, split into those guards decide and the rest. A stub output gets a default
    for each that is missing, except where absence itself decides something (`has(x)`, `size(list)`)."""

    def __init__(self, workflow: Workflow) -> None:
        self.schema: dict[str, Any] = workflow.context or {}  # a stub output must fit it: the engine checks
        self.decided: dict[tuple[Part, ...], str] = {}
        self.other: dict[tuple[Part, ...], str] = {}
        for source, is_guard in _expressions(workflow):
            try:
                uses = path_uses(source, condition=is_guard)
            except UnreadableExpression:
                continue
            if is_guard:
                for path, use in uses.items():
                    if self.decided.get(path, "value") == "value":
                        self.decided[path] = use
            else:
                for path, use in uses.items():
                    if self.other.get(path, "value") == "value":
                        self.other[path] = use
        self.lists: dict[tuple[Part, ...], list[Any]] = {}
        for machine in machines(workflow):
            for state in machine.states.values():
                if isinstance(state, MapState):
                    self._map_items(machine, state)
        self._read_from_context(workflow)

    def _read_from_context(self, workflow: Workflow) -> None:
        """What the flow reads of the context it is started with: the paths its expressions read outside guards
        (`read`), the paths it writes itself (`written`: outputs, assignments) and the lists its maps run over
        (`mapped`) — the workflow's and its parallel branches' (one context), not a map's items' (their own)."""
        self.read: dict[tuple[Part, ...], str] = {}
        self.written: set[tuple[Part, ...]] = set()
        self.mapped: set[tuple[Part, ...]] = set()
        for machine in machines(workflow):
            if machine.runs_per_item:
                continue
            for state in machine.states.values():
                output = getattr(state, "output", None)
                self.written |= {path_parts(output)} if output else set()
                if isinstance(state, MapState) and (node := _path_of(state.items)) is not None:
                    self.mapped.add(node.parts)
            self.written |= {path_parts(key) for t in machine.transitions for key in t.assign}
            for source, is_guard, bound in _context_expressions(machine):
                try:
                    uses = {} if is_guard else path_uses(source)
                except UnreadableExpression:
                    continue
                for path, use in uses.items():
                    if path[0] not in bound and self.read.get(path, "value") == "value":
                        self.read[path] = use

    def start_context(self, context: dict[str, Any]) -> dict[str, Any]:
        """`context` (what the schema requires) with what the flow reads of the context it is started with and
        does not write itself: a one-item list where a map runs over it (so the map runs its iterator; over a key
        the schema declares even when the flow writes it too), and a value of the schema's type — else of the
        type the expression reads, text for a plain value — at each other path, so that a task's input can be
        evaluated. Paths a guard decides by their presence or size are left to the planner, as are the values
        guards compare (it sets them on the paths that need them)."""
        found = copy.deepcopy(context)
        declared = self.schema.get("properties") or {}

        def open_(path: tuple[Part, ...], writes: bool = False) -> bool:
            return path[0] not in _NOT_CONTEXT and get_path(found, path) is ABSENT and (writes or not any(
                path[:len(w)] == w for w in self.written)) and not any(
                self.decided.get(path[:n]) in ("present", "list") for n in range(1, len(path) + 1))

        for path, items in self.lists_within(()):
            if path in self.mapped and open_(path, writes=path[0] in declared):
                set_path(found, path, items)
        for path, use in sorted(self.read.items(), key=lambda entry: len(entry[0])):
            if open_(path):
                shape = schema_at(self.schema, path)
                kind = self.decided.get(path, use)
                set_path(found, path, value_for_schema(shape) if shape else default_for(kind))
        return found

    def _map_items(self, machine: Machine, state: MapState) -> None:
        """A map's `items` (a path) gets a one-item list by default, so that the map runs its iterator: each item
        with what the schema requires of it and what the iterator (or the map's `input`) reads of it."""
        node = _path_of(state.items)
        if node is None:
            return
        shape = schema_at(self.schema, (*node.parts, 0)) if machine.location == () else {}
        reads: dict[tuple[Part, ...], str] = {}
        sources = [*((s, g) for m in _iterator_machines(state) for s, g in _machine_expressions(m)),
                   *((s, False) for s in state.input.values())]
        for source, is_guard in sources:
            try:
                uses = path_uses(source, condition=is_guard)
            except UnreadableExpression:
                continue
            reads.update({p[1:]: u for p, u in uses.items() if p[:1] == (state.item_key,) and len(p) > 1})
        item = value_for_schema(shape) if shape else ({} if reads else "text")
        if isinstance(item, dict):
            holder = {"item": item}
            for path, use in sorted(reads.items(), key=lambda entry: len(entry[0])):
                if get_path(item, path) is ABSENT and all(isinstance(p, str) for p in path):
                    nested = schema_at(shape, path)
                    set_path(holder, ("item", *path), value_for_schema(nested) if nested else default_for(use))
            item = holder["item"]
        self.lists.setdefault(node.parts, [item])

    def lists_within(self, at: tuple[Part, ...]) -> list[tuple[tuple[Part, ...], list[Any]]]:
        """The default lists of the maps whose `items` lie at or inside `at` (an output), shortest path first;
        not those a guard decides (`size(list) > 0`: the planner chooses)."""
        return [(path, copy.deepcopy(items)) for path, items in sorted(self.lists.items(), key=lambda e: len(e[0]))
                if path[:len(at)] == at and path not in self.decided]

    def complete(self, output: str, value: Any) -> Any:
        """`value` (an output stored at `output`, a key or a dotted path) with a default for every path others
        read and guards don't."""
        if not isinstance(value, dict):
            return value
        at = path_parts(output)
        holder: dict[str, Any] = {}
        set_path(holder, at, copy.deepcopy(value))
        if not value and at in self.lists and at not in self.decided:  # the list a map runs over
            return copy.deepcopy(self.lists[at])
        wanted = {**{p: u for p, u in self.decided.items() if u not in ("present", "list")}, **self.other}
        for path, use in sorted(wanted.items(), key=lambda item: len(item[0])):
            if path[:len(at)] != at or len(path) == len(at) or self.decided.get(path) in ("present", "list") or any(
                    get_path(holder, path[:n]) is ABSENT and (path[:n] in self.decided or isinstance(path[n - 1], int))
                    for n in range(len(at) + 1, len(path))):
                continue
            if get_path(holder, path) is ABSENT:
                shape = schema_at(self.schema, path)
                set_path(holder, path, copy.deepcopy(self.lists[path]) if path in self.lists else
                         value_for_schema(shape) if shape else default_for(use))
        found = get_path(holder, at)
        self._fill_required(found, at)
        return found

    def _fill_required(self, node: Any, at: tuple[Part, ...]) -> None:
        """Give the output, and each object in it, the properties the context schema requires there and it
        lacks: the engine refuses a task's output that does not fit the schema at its `output`."""
        if not isinstance(node, dict):
            return
        shape = schema_at(self.schema, at)
        for name in shape.get("required", []):
            if name not in node:
                node[name] = value_for_schema(shape.get("properties", {}).get(name, {}))
        for name, child in node.items():
            self._fill_required(child, (*at, name))


def _path_of(source: str) -> PathRef | None:
    """The path an expression is, when it is one (`order.items`)."""
    try:
        node = parse(source)
    except UnreadableExpression:
        return None
    return node if isinstance(node, PathRef) else None


def task_states(workflow: Workflow) -> dict[str, TaskState]:
    """Every task state, branches included (state ids are unique within one machine)."""
    return {sid: state for machine in machines(workflow) for sid, state in machine.states.items()
            if isinstance(state, TaskState)}
