"""Choosing data that makes the engine take one transition: the guards tried before it false, its own true.

The guards are evaluated with CEL exactly as the runtime does (an error counts as false); only the candidate
values come from reading the guards (engine.testgen.values). Paths the test controls are the initial context
and the outputs of work done earlier on the path, and only until a decision has read them.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any

from engine.definition.cel_reading import Part, Relation, UnreadableExpression, path_uses, relations
from engine.definition.expressions import ExpressionError, evaluate
from engine.testgen.values import ABSENT, boundary_values, get_path, schema_at, set_path, value_for_schema

__all__ = ["COMBINATION_LIMIT", "Data", "Solved", "guard_holds", "solve"]

COMBINATION_LIMIT = 4096
_RESERVED = frozenset({"instance", "now", "budget", "memory"})


@dataclass
class Data:
    """What one path has put in the instance so far, and which of it the test may still choose."""

    world: dict[str, Any]
    free_roots: set[str] = field(default_factory=set)
    fixed: set[tuple[Part, ...]] = field(default_factory=set)
    event: dict[str, Any] = field(default_factory=dict)
    owners: dict[str, int] = field(default_factory=dict)  # output key or path → the step whose output it holds
    free_paths: set[tuple[Part, ...]] = field(default_factory=set)  # outputs the test's stubs answer with

    def scope(self) -> dict[str, Any]:
        found = dict(self.world)
        found.update(context=self.world, event=self.event, instance={}, now="2030-01-01T00:00:00Z", budget={},
                     memory={})
        return found

    def is_free(self, path: tuple[Part, ...]) -> bool:
        if path[0] == "event":
            return path not in self.fixed
        chosen = path[0] in self.free_roots or any(path[:len(free)] == free for free in self.free_paths)
        return chosen and not any(path[:n] in self.fixed for n in range(1, len(path) + 1))


@dataclass(frozen=True)
class Solved:
    data: Data | None
    reason: str = ""


def guard_holds(source: str | None, data: Data) -> bool:
    if source is None:
        return True
    try:
        return evaluate(source, data.scope()) is True
    except ExpressionError:
        return False


def _read(guards: list[str]) -> tuple[dict[tuple[Part, ...], str], list[Relation]]:
    uses: dict[tuple[Part, ...], str] = {}
    found: list[Relation] = []
    for guard in guards:
        for path, use in path_uses(guard, condition=True).items():
            if uses.get(path, "value") in ("value", "present") or use not in ("value", "present"):
                uses[path] = use
        found += relations(guard)
    return uses, found


def _event_world(data: Data) -> dict[str, Any]:
    return {**data.world, "event": data.event}


def solve(data: Data, must_fail: list[str], must_hold: str | None, schema: dict[str, Any]) -> Solved:
    """A copy of `data` in which every guard of `must_fail` is false and `must_hold` (None: none) is true."""
    guards = [*must_fail, *([must_hold] if must_hold else [])]

    def works(candidate: Data) -> bool:
        return not any(guard_holds(g, candidate) for g in must_fail) and guard_holds(must_hold, candidate)

    if not guards:
        return Solved(data)
    try:
        uses, found = _read(guards)
    except UnreadableExpression as exc:
        if works(data):
            return Solved(data)
        return Solved(None, f"testgen cannot read a guard ({exc}) to choose values for it")
    free = sorted((path for path in uses if path[0] not in _RESERVED and data.is_free(path)
                   and (uses[path] == "present" or not _has_child(path, uses))), key=len)
    options = [_holder_options(path, _event_world(data)) if _has_child(path, uses)
               else boundary_values(path, uses[path], found, _event_world(data), schema) for path in free]
    tried = 0
    for values in itertools.product(*options):
        tried += 1
        if tried > COMBINATION_LIMIT:
            break
        candidate = copy.deepcopy(data)
        removed: list[tuple[Part, ...]] = []
        for path, value in zip(free, values, strict=True):
            if any(path[:len(gone)] == gone for gone in removed):
                continue  # inside a map this candidate leaves out
            if value is ABSENT:
                removed.append(path)
            if path[0] == "event":
                holder = {"event": candidate.event}
                set_path(holder, path, value)
            else:
                set_path(candidate.world, path, value)
                _fill_required(candidate.world, path[:-1], schema)
        if works(candidate):
            candidate.fixed.update(free)
            return Solved(candidate)
    return Solved(None, _why_not(data, uses, free))


def _has_child(path: tuple[Part, ...], uses: dict[tuple[Part, ...], str]) -> bool:
    return any(other != path and other[:len(path)] == path for other in uses)


def _holder_options(path: tuple[Part, ...], world: dict[str, Any]) -> list[Any]:
    """A map whose presence a guard tests (`has(a.b)`) and whose fields it compares: left out, or there (as it
    is, else empty) for the fields' own values to be chosen in it."""
    current = get_path(world, path)
    return [ABSENT, current if isinstance(current, dict) else {}]


def _fill_required(world: dict[str, Any], path: tuple[Part, ...], schema: dict[str, Any]) -> None:
    """Give each map on `path` the properties its schema requires and it lacks (a value of their type), so a map
    the test data creates for one field it chose is still a context the schema accepts."""
    for length in range(1, len(path) + 1):
        node = get_path(world, path[:length])
        if not isinstance(node, dict):
            return
        shape = schema_at(schema, path[:length])
        for name in shape.get("required", []):
            if name not in node:
                node[name] = value_for_schema(shape.get("properties", {}).get(name, {}))


def _why_not(data: Data, uses: dict[tuple[Part, ...], str], free: list[tuple[Part, ...]]) -> str:
    settled = [path for path in uses if path not in free]
    described = []
    for path in settled:
        name = ".".join(str(p) for p in path)
        value = get_path(_event_world(data), path)
        shown = "absent" if value is ABSENT else repr(value)
        why = "fixed by an earlier step on this path" if path[0] in data.world or path[0] == "event" \
            else "not set by anything the test controls"
        described.append(f"'{name}' is {shown} ({why})")
    if described:
        return "no test data selects it: " + "; ".join(described)
    return "no values derived from the guards' comparisons select it"
