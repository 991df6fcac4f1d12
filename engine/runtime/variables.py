"""The variables a CEL expression sees at run time, and turning CEL values back into JSON values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from engine.definition.expressions import ExpressionError, referenced_names
from engine.definition.expressions import evaluate as evaluate_all
from engine.runtime.clock import to_rfc3339
from engine.runtime.snapshot import Environment

__all__ = ["evaluate", "evaluate_json", "evaluate_mapping", "json_value", "variables"]


def variables(context: Mapping[str, Any], event: Any, env: Environment, state: str) -> dict[str, Any]:
    """The context's keys, then the reserved names (engine.definition.scope) over them."""
    found = dict(context)
    found["context"] = context
    found["event"] = event if event is not None else {}
    found["instance"] = {**env.instance, "state": state}
    found["now"] = to_rfc3339(env.now)
    found["budget"] = env.budget if env.budget is not None else {}
    found["memory"] = env.memory
    return found


@lru_cache(maxsize=4096)
def _names_read(source: str) -> tuple[str, ...]:
    return tuple(sorted(referenced_names(source)))


# The two shapes most data mappings take — a literal (`'discovery'`, `30`, `null`) and a path into the context
# (`email`, `lead.email`) — are answered without the CEL interpreter (~20 µs a call, most of it converting
# values in and out), with exactly CEL's result: a literal's value is CEL's own, computed once; a path is
# walked only through plain JSON values CEL would hand back unchanged, anything else (a missing key, a value
# that is not a map, an integer CEL would turn into a double) goes to CEL, which then gives its answer or error.
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_LITERAL = re.compile(r"-?[0-9]{1,18}|'[^'\\\n]*'|\"[^\"\\\n]*\"|null|true|false")
_PRESENT_OR = re.compile(rf"has\((?P<test>{_PATH.pattern})\)\s*\?\s*(?P<then>{_PATH.pattern})\s*:\s*"
                         rf"(?P<default>{_LITERAL.pattern})")
_CEL_WORDS = frozenset({"true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
                        "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
                        "void", "while"})
_INT_RANGE = range(-(2**63), 2**63)
_NOT_PLAIN = object()


@lru_cache(maxsize=4096)
def _shortcut(source: str) -> tuple[str, Any]:
    """How `source` may be evaluated without CEL: ('literal', value), ('path', names) or ('cel', None)."""
    if _LITERAL.fullmatch(source):
        return "literal", evaluate_all(source, {})
    if _PATH.fullmatch(source):
        names = tuple(source.split("."))
        if not _CEL_WORDS.intersection(names):
            return "path", names
    present_or = _PRESENT_OR.fullmatch(source)
    if present_or and present_or["test"] == present_or["then"] and "." in present_or["test"]:
        names = tuple(present_or["test"].split("."))  # `has(a.b) ? a.b : null`: a.b if a has the key b
        if not _CEL_WORDS.intersection(names):
            return "present_or", (names, evaluate_all(present_or["default"], {}))
    return "cel", None


def _plain(value: Any) -> Any:
    """A copy of a JSON value as CEL would return it, or _NOT_PLAIN when CEL might return something else."""
    if value is None or isinstance(value, str | bool | float):
        return value
    if isinstance(value, int):
        return value if value in _INT_RANGE else _NOT_PLAIN
    if isinstance(value, dict):
        copied = {}
        for key, item in value.items():
            plain = _plain(item)
            if plain is _NOT_PLAIN or not isinstance(key, str):
                return _NOT_PLAIN
            copied[key] = plain
        return copied
    if isinstance(value, list):
        items = [_plain(item) for item in value]
        return _NOT_PLAIN if any(item is _NOT_PLAIN for item in items) else items
    return _NOT_PLAIN


def _walk(names: tuple[str, ...], scope: Mapping[str, Any]) -> Any:
    value: Any = scope
    for name in names:
        if not isinstance(value, Mapping) or name not in value:
            return _NOT_PLAIN
        value = value[name]
    return _plain(value)


def _present_or(names: tuple[str, ...], default: Any, scope: Mapping[str, Any]) -> Any:
    """`has(a.b) ? a.b : default`, or _NOT_PLAIN when CEL must say (a is not a map, a.b is a name)."""
    if ".".join(names) in scope:
        return _NOT_PLAIN
    holder: Any = scope
    for name in names[:-1]:
        if not isinstance(holder, Mapping) or name not in holder:
            return _NOT_PLAIN
        holder = holder[name]
    if not isinstance(holder, Mapping):
        return _NOT_PLAIN
    return _plain(holder[names[-1]]) if names[-1] in holder else default


def evaluate(source: str, scope: Mapping[str, Any]) -> Any:
    """Evaluate `source` against the names it reads from `scope`, and only those. CEL converts every value it
    is handed; handed the whole scope (the context, twice) it spends ~100 µs a call on a modest context,
    against ~1 µs for the few names an expression reads. A literal or a path is answered without CEL."""
    kind, found = _shortcut(source)
    if kind == "literal":
        return found
    if kind == "path" and source not in scope:  # a name with a dot in it is CEL's to resolve
        value = _walk(found, scope)
        if value is not _NOT_PLAIN:
            return value
    elif kind == "present_or":
        names, default = found
        value = _present_or(names, default, scope)
        if value is not _NOT_PLAIN:
            return value
    return evaluate_all(source, {name: scope[name] for name in _names_read(source) if name in scope})


def json_value(value: Any) -> Any:
    """A CEL result as JSON: timestamps become RFC 3339 text, durations seconds, bytes text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    raise ExpressionError(repr(value), f"a value of type {type(value).__name__} cannot be stored")


def evaluate_json(source: str, scope: dict[str, Any]) -> Any:
    return json_value(evaluate(source, scope))


def evaluate_mapping(mapping: Mapping[str, str], scope: dict[str, Any]) -> dict[str, Any]:
    """Each key's CEL expression evaluated; raises ExpressionError for the first that fails."""
    return {key: evaluate_json(source, scope) for key, source in mapping.items()}
