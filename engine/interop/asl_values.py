"""ASL payload templates (`Parameters`, `ResultSelector`, `Result`) as CEL values, and back."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from engine.interop.asl_paths import BadPath, cel_of_reference, parse_reference, reference_of
from engine.interop.asl_resources import TASK_TOKEN
from engine.interop.cel_subset import Literal, OutsideSubset, Path, parse, render

__all__ = ["Refused", "cel_literal", "cel_of_template", "data_reference", "mapping_of_template", "template_entry",
           "template_value"]

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
        if text == TASK_TOKEN and token is not None:
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


_NOT_TEMPLATE = "not a path, a literal, or an object or list of them"
_CONTEXT_FIELDS = {cel: field for field, cel in _CONTEXT_OBJECT.items()}
_NOT_DATA = ("event", "instance", "now", "budget", "memory")  # roots that are not paths into the data


def data_reference(path: Path) -> str | None:
    """The reference of a path into the data (`$.order.sku`), or None for what is not the data."""
    return None if path.parts and path.parts[0] in _NOT_DATA else reference_of(path)


class _Template:
    """Reads a CEL value in the shape of a payload template: maps and lists whose leaves are paths or literals."""

    def __init__(self, text: str, reference: Callable[[Path], str | None]) -> None:
        self.text, self.at, self.reference = text, 0, reference

    def fail(self, why: str = "") -> OutsideSubset:
        return OutsideSubset(f"'{self.text}' is {_NOT_TEMPLATE}" + (f": {why}" if why else ""))

    def skip(self) -> str:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1
        return self.text[self.at] if self.at < len(self.text) else ""

    def value(self) -> tuple[bool, Any]:
        """(True, the reference) for a path, else (False, the JSON value, objects holding `key.$` fields)."""
        first = self.skip()
        if first and first in "{[":
            self.at += 1
            return False, self.members("}" if first == "{" else "]")
        return self.leaf(self.span())

    def members(self, close: str) -> Any:
        found: dict[str, Any] = {}
        items: list[Any] = []
        while self.skip() != close:
            if close == "}":
                key = self.leaf(self.span(stop=":"))
                if key[0] or not isinstance(key[1], str) or key[1].endswith(".$") or self.skip() != ":":
                    raise self.fail("a key of a Parameters object is a string, not ending in '.$'")
                self.at += 1
                is_path, value = self.value()
                found[f"{key[1]}.$" if is_path else key[1]] = value
            else:
                is_path, value = self.value()
                if is_path:
                    raise self.fail("an element of a list is a literal or an object in ASL, not a path (put the "
                                    "path in an object's field)")
                items.append(value)
            if self.skip() == ",":
                self.at += 1
            elif self.skip() != close:
                raise self.fail()
        self.at += 1
        return found if close == "}" else items

    def span(self, stop: str = "") -> str:
        """The text of one leaf: up to a ',' or closing bracket (or `stop`) outside quotes and brackets."""
        begin, depth, quote = self.at, 0, ""
        while self.at < len(self.text):
            c = self.text[self.at]
            if quote:
                if c == "\\":
                    self.at += 1
                elif c == quote:
                    quote = ""
            elif c in "'\"":
                quote = c
            elif c in "[(":
                depth += 1
            elif c in "])" and depth:
                depth -= 1
            elif depth == 0 and (c in ",}]" or c == stop):
                break
            self.at += 1
        return self.text[begin:self.at]

    def leaf(self, text: str) -> tuple[bool, Any]:
        if text.strip() in _CONTEXT_FIELDS:
            return True, _CONTEXT_FIELDS[text.strip()]
        try:
            node = parse(text)
        except OutsideSubset as exc:
            raise self.fail(str(exc)) from exc
        if isinstance(node, Literal):
            return False, node.value
        reference = self.reference(node) if isinstance(node, Path) else None
        if reference is None:
            raise self.fail()
        return True, reference


def template_value(expression: str, reference: Callable[[Path], str | None] = data_reference) -> tuple[bool, Any]:
    """A CEL value as a payload template: (True, a reference path) for a path, else (False, the JSON value, its
    objects' paths as `key.$` fields: `{'sku': order.sku}` → `{"sku.$": "$.order.sku"}`). `reference` gives the
    reference of a path (None: not expressible). Lists hold literals and objects only, as ASL reads no path in a
    list. Anything else raises OutsideSubset."""
    reader = _Template(expression, reference)
    found = reader.value()
    if reader.skip():
        raise reader.fail()
    return found


def template_entry(key: str, expression: str,
                   reference: Callable[[Path], str | None] = data_reference) -> tuple[str, Any]:
    """One input mapping entry as a Parameters field: a path (`key.$`), a literal, or an object or list of
    them; else OutsideSubset."""
    is_path, value = template_value(expression, reference)
    return (f"{key}.$", value) if is_path else (key, value)
