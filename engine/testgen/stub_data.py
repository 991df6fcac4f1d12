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


def _machine_expressions(machine: Machine) -> Iterator[tuple[str, bool]]:
    """(CEL source, whether it is a guard) for every expression of one machine (not of its branches)."""
    for state in machine.states.values():
        mappings: list[dict[str, str]] = []
        if isinstance(state, TaskState | SubflowState | MapState):
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

    def _map_items(self, machine: Machine, state: MapState) -> None:
        """A map's `items` (a path) gets a one-item list by default, so that the map runs its iterator: each item
        with what the schema requires of it and what the iterator (or the map's `input`) reads of it."""
        try:
            node = parse(state.items)
        except UnreadableExpression:
            return
        if not isinstance(node, PathRef):
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


def task_states(workflow: Workflow) -> dict[str, TaskState]:
    """Every task state, branches included (state ids are unique within one machine)."""
    return {sid: state for machine in machines(workflow) for sid, state in machine.states.items()
            if isinstance(state, TaskState)}
