"""Values for test data: boundary candidates read from guards, defaults for what a flow reads, nested paths.

`score >= 70` gives 69 (false) and 70 (true); `x > 0.8` gives 0.8 and 0.9; `s == 'deny'` gives 'deny' and another
value (another of the schema's `enum` values when the context schema lists them); `has(x)` gives absent and
present; `size(m) > 0` gives an empty and a one-element list; a path used as a condition gives true and false.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from engine.definition.cel_reading import Literal, Part, PathRef, Relation

__all__ = ["ABSENT", "boundary_values", "default_for", "get_path", "schema_at", "set_path", "value_for_schema"]


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
_MISSING = object()

_DEFAULTS: dict[str, Any] = {"number": 0, "string": "text", "bool": False, "list": [], "present": "text",
                             "value": "text"}


def default_for(use: str) -> Any:
    return copy.deepcopy(_DEFAULTS.get(use, "text"))


def get_path(world: Any, parts: Iterable[Part]) -> Any:
    """The value at `parts`, or ABSENT."""
    node = world
    for part in parts:
        indexable = isinstance(part, int) and isinstance(node, list) and -len(node) <= part < len(node)
        if indexable or (isinstance(part, str) and isinstance(node, dict) and part in node):
            node = node[part]
        else:
            return ABSENT
    return node


def set_path(world: dict[str, Any], parts: tuple[Part, ...], value: Any) -> None:  # noqa: PLR0912
    """Set (or, with ABSENT, remove) the value at `parts`, creating the maps and lists on the way."""
    node: Any = world
    for position, part in enumerate(parts[:-1]):
        following = parts[position + 1]
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            if not isinstance(node, list):
                return
            while len(node) <= part:
                node.append(copy.deepcopy(empty) if isinstance(following, int) else {})
            if not isinstance(node[part], list | dict):
                node[part] = empty
            node = node[part]
        else:
            if not isinstance(node, dict):
                return
            if not isinstance(node.get(part), list | dict):
                node[part] = empty
            node = node[part]
    last = parts[-1]
    if isinstance(last, int):
        if isinstance(node, list):
            while len(node) <= last:
                node.append({})
            node[last] = {} if value is ABSENT else value
    elif isinstance(node, dict):
        if value is ABSENT:
            node.pop(last, None)
        else:
            node[last] = value


def schema_at(schema: dict[str, Any], parts: tuple[Part, ...]) -> dict[str, Any]:
    """The JSON Schema of the context value at `parts` ({} when the schema does not say)."""
    node = schema
    for part in parts:
        if isinstance(part, int):
            node = node.get("items", {}) if isinstance(node.get("items"), dict) else {}
        else:
            node = node.get("properties", {}).get(part, {})
        if not isinstance(node, dict):
            return {}
    return node


def value_for_schema(shape: dict[str, Any]) -> Any:
    """A plain value a schema accepts: its first enum value, else one of its type; an object gets the properties
    it requires, all the way down, so the context a test starts from fits a schema that requires nested objects."""
    if shape.get("enum"):
        return copy.deepcopy(shape["enum"][0])
    kind = shape.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind in ("number", "integer"):
        low = shape.get("minimum", shape.get("exclusiveMinimum", 0))
        return low + 1 if "exclusiveMinimum" in shape else low
    if kind == "object":
        properties = shape.get("properties", {})
        return {name: value_for_schema(properties.get(name, {})) for name in shape.get("required", [])}
    return {"string": "text", "boolean": False, "array": [], "null": None}.get(str(kind), "text")


def _step(value: float | int) -> float | int:
    return 1 if isinstance(value, int) else 0.1


def _number(op: str, value: float | int) -> list[Any]:
    step = _step(value)
    below, above = value - step, value + step
    if isinstance(value, float):
        below, above = round(below, 6), round(above, 6)
    return {">=": [below, value], ">": [value, above], "<=": [value, above], "<": [below, value]}.get(
        op, [value, above])


def _compared(relation: Relation, world: dict[str, Any], schema: dict[str, Any]) -> list[Any]:  # noqa: PLR0911
    other = relation.other
    if isinstance(other, PathRef):
        known = get_path(world, other.parts)
        if isinstance(known, int | float) and not isinstance(known, bool):
            return _number(relation.op, known)
        return []
    if not isinstance(other, Literal):  # `kind in ['a', 'b']`: each member, then one outside
        members = [member.value for member in other]
        return [*members, "not_listed"] if members else []
    value = other.value
    if isinstance(value, bool):
        return [value, not value]
    if isinstance(value, int | float):
        return _number(relation.op, value)
    if isinstance(value, str):
        enum = schema_at(schema, relation.path).get("enum")
        others = [v for v in enum if v != value] if isinstance(enum, list) else [f"not_{value}" if value else "text"]
        return [value, *others]
    if value is None:
        return [None, "text"]
    return []


def boundary_values(path: tuple[Part, ...], use: str, relations: list[Relation], world: dict[str, Any],
                    schema: dict[str, Any]) -> list[Any]:
    """Candidate values for `path`, boundaries first, each once."""
    found: list[Any] = []
    for relation in relations:
        if relation.path != path:
            continue
        if not relation.sized:
            found += _compared(relation, world, schema)
        elif isinstance(relation.other, Literal) and isinstance(relation.other.value, int):
            found += [[{} for _ in range(max(n, 0))] for n in _number(relation.op, relation.other.value)]
    if use == "bool" and not found:
        found = [True, False]
    if use == "present":
        current = get_path(world, path)
        found += [ABSENT, default_for("value") if current is ABSENT else current]
    if not found:
        current = get_path(world, path)
        found = [default_for(use) if current is ABSENT else current]
    unique: list[Any] = []
    for value in found:
        if not any(type(value) is type(seen) and value == seen for seen in unique):
            unique.append(value)
    return unique
