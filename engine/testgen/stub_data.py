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
    SubflowState,
    TaskState,
    WaitState,
    Workflow,
)
from engine.definition.paths import path_parts
from engine.testgen.cel_reading import Part, UnreadableExpression, parse, path_uses
from engine.testgen.values import ABSENT, default_for, get_path, schema_at, set_path, value_for_schema
from engine.validation.graph import machines

__all__ = ["FlowReads", "task_states"]


def _expressions(workflow: Workflow) -> Iterator[tuple[str, bool]]:
    """(CEL source, whether it is a guard) for every expression of the flow, branches included."""
    for machine in machines(workflow):
        for state in machine.states.values():
            mappings: list[dict[str, str]] = []
            if isinstance(state, TaskState | SubflowState):
                mappings.append(state.input)
            if isinstance(state, ApprovalState):
                mappings.append(state.request)
            if isinstance(state, FinalState):
                mappings.append(state.result)
            for mapping in mappings:
                yield from ((source, False) for source in mapping.values())
            if isinstance(state, WaitState) and state.event is not None and state.event.correlation:
                yield state.event.correlation, False
        for transition in machine.transitions:
            if transition.guard:
                yield transition.guard, True
            yield from ((source, False) for source in transition.assign.values())
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
                uses = path_uses(parse(source), condition=is_guard)
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

    def complete(self, output: str, value: Any) -> Any:
        """`value` (an output stored at `output`, a key or a dotted path) with a default for every path others
        read and guards don't."""
        if not isinstance(value, dict):
            return value
        at = path_parts(output)
        holder: dict[str, Any] = {}
        set_path(holder, at, copy.deepcopy(value))
        wanted = {**{p: u for p, u in self.decided.items() if u not in ("present", "list")}, **self.other}
        for path, use in sorted(wanted.items(), key=lambda item: len(item[0])):
            if path[:len(at)] != at or len(path) == len(at) or self.decided.get(path) in ("present", "list") or any(
                    get_path(holder, path[:n]) is ABSENT and (path[:n] in self.decided or isinstance(path[n - 1], int))
                    for n in range(len(at) + 1, len(path))):
                continue
            if get_path(holder, path) is ABSENT:
                shape = schema_at(self.schema, path)
                set_path(holder, path, value_for_schema(shape) if shape else default_for(use))
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
