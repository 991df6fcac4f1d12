"""ASL payload templates (`Parameters`, `ResultSelector`, `Result`) as CEL values, and back."""

from __future__ import annotations

import json
from typing import Any

from engine.interop.asl_paths import BadPath, cel_of_reference, parse_reference, reference_of
from engine.interop.cel_subset import Literal, OutsideSubset, Path, parse, render

__all__ = ["Refused", "cel_literal", "cel_of_template", "template_entry"]

_CONTEXT_OBJECT = {"$$.Execution.Id": "instance.id", "$$.StateMachine.Name": "instance.workflow",
                   "$$.State.Name": "instance.state"}


class Refused(ValueError):
    """A template uses something with no CEL counterpart (an intrinsic function, a context-object field)."""


def cel_literal(value: Any) -> str:
    """Any JSON value as a CEL literal: `{'a': [1, 'x']}`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{render(Literal(k))}: {cel_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(cel_literal(v) for v in value) + "]"
    if value is None or isinstance(value, bool | int | float | str):
        return render(Literal(value))
    raise Refused(f"{value!r} is not a JSON value")


def _selected(text: Any, prefix: Path | None, result_root: str | None, token: str | None) -> str:
    if not isinstance(text, str):
        raise Refused(f"a '.$' field takes a path, not {json.dumps(text)}")
    if text.startswith("$$."):
        if text == "$$.Task.Token" and token is not None:
            return token
        if text in _CONTEXT_OBJECT:
            return _CONTEXT_OBJECT[text]
        raise Refused(f"the context object field {text} has no Statewright counterpart")
    if text.startswith("States."):
        raise Refused(f"the intrinsic function {text.split('(', 1)[0]} has no Statewright counterpart")
    try:
        if result_root is not None:
            path = parse_reference(text)
            return render(Path((result_root, *path.parts))) if path.parts else result_root
        return cel_of_reference(text, prefix)
    except BadPath as exc:
        raise Refused(str(exc)) from exc


def cel_of_template(value: Any, prefix: Path | None = None, result_root: str | None = None,
                    token: str | None = None) -> str:
    """A payload template as one CEL value; `key.$` fields read paths (of the result when `result_root`)."""
    if isinstance(value, dict):
        entries = []
        for key, item in value.items():
            if key.endswith(".$"):
                entries.append(f"{render(Literal(key[:-2]))}: {_selected(item, prefix, result_root, token)}")
            else:
                entries.append(f"{render(Literal(key))}: {cel_of_template(item, prefix, result_root, token)}")
        return "{" + ", ".join(entries) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(cel_of_template(v, prefix, result_root, token) for v in value) + "]"
    return cel_literal(value)


def mapping_of_template(value: Any, prefix: Path | None = None, token: str | None = None) -> dict[str, str]:
    """Task `Parameters` as an input mapping: each top-level field one CEL expression."""
    if not isinstance(value, dict):
        raise Refused("Parameters must be an object to become an input mapping")
    out: dict[str, str] = {}
    for key, item in value.items():
        name = key[:-2] if key.endswith(".$") else key
        out[name] = _selected(item, prefix, None, token) if key.endswith(".$") else cel_of_template(item, prefix,
                                                                                                     None, token)
    return out


def template_entry(key: str, expression: str) -> tuple[str, Any]:
    """One input mapping entry as a Parameters field: a path (`key.$`) or a literal; else OutsideSubset."""
    if expression == "instance.id":
        return f"{key}.$", "$$.Execution.Id"
    try:
        node = parse(expression)
    except OutsideSubset:
        value = _json_literal(expression)
        return key, value
    if isinstance(node, Literal):
        return key, node.value
    if isinstance(node, Path) and node.parts[:1] != ("event",) and node.parts[:1] not in (("instance",), ("now",),
                                                                                           ("budget",), ("memory",)):
        return f"{key}.$", reference_of(node) if node.parts else "$"
    raise OutsideSubset(f"'{expression}' is neither a path nor a literal")


def _json_literal(expression: str) -> Any:
    """`{'a': 1, 'b': [true]}` (a CEL map/list of literals) as JSON; else OutsideSubset."""
    text = expression.strip()
    if not text or text[0] not in "[{":
        raise OutsideSubset(f"'{expression}' is neither a path nor a literal")
    swapped = []
    in_string = False
    i = 0
    while i < len(text):
        c = text[i]
        if in_string:
            if c == "\\" and i + 1 < len(text):
                swapped.append(text[i:i + 2] if text[i + 1] != "'" else "'")
                i += 2
                continue
            if c == "'":
                in_string = False
                swapped.append('"')
            elif c == '"':
                swapped.append('\\"')
            else:
                swapped.append(c)
        elif c == "'":
            in_string = True
            swapped.append('"')
        else:
            swapped.append(c)
        i += 1
    try:
        return json.loads("".join(swapped).replace("null", "null"))
    except ValueError as exc:
        raise OutsideSubset(f"'{expression}' is neither a path nor a literal") from exc
