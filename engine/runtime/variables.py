"""The variables a CEL expression sees at run time, and turning CEL values back into JSON values."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from engine.definition.expressions import CEL_WORDS, ExpressionError, referenced_names
from engine.definition.expressions import evaluate as evaluate_all
from engine.runtime.clock import to_rfc3339
from engine.runtime.json_types import json_copy
from engine.runtime.snapshot import Environment

__all__ = ["evaluate", "evaluate_json", "evaluate_mapping", "json_value", "output_json", "variables"]


def variables(context: Mapping[str, Any], event: Any, env: Environment, state: str) -> dict[str, Any]:
    """The context's keys, then the reserved names (engine.definition.scope) over them."""
    found = dict(context)
    found["context"] = context
    found["event"] = event if event is not None else {}
    found["instance"] = {**env.instance, "state": state}
    found["now"] = _now_text(env.now)
    found["budget"] = env.budget if env.budget is not None else {}
    found["memory"] = env.memory
    return found


_last_now: tuple[float, str] = (float("nan"), "")


def _now_text(now: float) -> str:
    """`now` as RFC 3339 text, kept for the next call: the scopes of one step (and a batch's) share their time."""
    global _last_now  # noqa: PLW0603 - one (time, text) pair, replaced whole
    last = _last_now
    if last[0] == now:
        return last[1]
    text = to_rfc3339(now)
    _last_now = (now, text)
    return text


@lru_cache(maxsize=4096)
def _names_read(source: str) -> tuple[str, ...]:
    return tuple(sorted(referenced_names(source)))


# The shapes most data mappings and guards take are answered without the CEL interpreter (~20 µs a call, most
# of it converting values in and out), with exactly CEL's result:
# - a constant (`'discovery'`, `30`, `{'min': 50}` — no variable read): CEL's own value, computed once;
# - a path into the context (`email`, `lead.email`);
# - `has(a.b) ? a.b[.c…] : <literal>`;
# - `<path> <comparison> <literal>` (`qualification.score >= 70`), when both sides are of one type CEL
#   compares as Python does (integers, doubles, strings; booleans for == and !=).
# A path is walked only through plain JSON values CEL would hand back unchanged; anything else (a missing key,
# a value that is not a map, an integer CEL would turn into a double, sides of two types) goes to CEL, which
# then gives its answer or its error.
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_LITERAL = re.compile(r"-?[0-9]{1,18}|'[^'\\\n]*'|\"[^\"\\\n]*\"|null|true|false")
_PRESENT_OR = re.compile(rf"has\((?P<test>{_PATH.pattern})\)\s*\?\s*(?P<then>{_PATH.pattern})\s*:\s*"
                         rf"(?P<default>{_LITERAL.pattern})")
_COMPARED = re.compile(rf"(?P<path>{_PATH.pattern})\s*(?P<op>==|!=|>=|<=|>|<)\s*(?P<literal>{_LITERAL.pattern})")
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
}
_INT_RANGE = range(-(2**63), 2**63)
_NOT_PLAIN = object()


def _names(path: str) -> tuple[str, ...] | None:
    names = tuple(path.split("."))
    return None if CEL_WORDS.intersection(names) else names


_Answer = Callable[[Mapping[str, Any]], Any]
"""A shortcut: the value of one expression in a scope, as plain JSON (a copy), or _NOT_PLAIN when CEL must say."""


@lru_cache(maxsize=4096)
def _shortcut(source: str) -> _Answer:
    """How `source` may be evaluated without CEL, decided once per source: a constant, a path, `has(…) ? … :
    <literal>` or a comparison (see above), each answered by a function of the scope; else one that always
    leaves it to CEL."""
    if _LITERAL.fullmatch(source) or not _names_read(source):
        value = _plain(evaluate_all(source, {}))
        if value is not _NOT_PLAIN:
            if value is None or isinstance(value, str | int | float):
                return lambda _scope: value
            return lambda _scope: json_copy(value)  # its own copy each time: `_plain` made it of dicts and lists
    if _PATH.fullmatch(source) and (names := _names(source)):
        return _path(names)
    if (match := _PRESENT_OR.fullmatch(source)) and "." in match["test"]:
        test, then = _names(match["test"]), _names(match["then"])
        if test and then and then[:len(test)] == test:
            return _present_or(test, then, evaluate_all(match["default"], {}))
    if (match := _COMPARED.fullmatch(source)) and (names := _names(match["path"])):
        literal = evaluate_all(match["literal"], {})
        if isinstance(literal, int | float | str) and not (isinstance(literal, bool) and match["op"] not in "==!="):
            return _compared(_path(names), _COMPARE[match["op"]], literal)
    return _through_cel_only


def _through_cel_only(_scope: Mapping[str, Any]) -> Any:
    return _NOT_PLAIN


def _path(names: tuple[str, ...]) -> _Answer:
    """The value at a path through maps, as plain JSON (a copy), or _NOT_PLAIN (see `_held_at`)."""
    if len(names) == 1:
        name = names[0]

        def one(scope: Mapping[str, Any]) -> Any:
            if name not in scope:
                return _NOT_PLAIN
            value = scope[name]
            return value if type(value) in _SCALARS else _plain(value)  # a scalar, as most are: as it is

        return one
    if len(names) == 2:  # most paths (`lead.email`, `has(context.x) ? context.x : …`): two names
        return _path_of_two(".".join(names), names[0], names[1])
    held_at = _held_at(names)

    def walk(scope: Mapping[str, Any]) -> Any:
        value = held_at(scope)
        return value if value is _NOT_PLAIN or type(value) in _SCALARS else _plain(value)

    return walk


def _held_at(names: tuple[str, ...]) -> _Answer:
    """The value at a path through maps, not copied, or _NOT_PLAIN: a missing key, a value on
    the way that is no map, or a dotted name in the scope (CEL's to resolve). Its dotted form is joined once."""
    if len(names) == 1:  # most holders of `has(context.x)`: one name away
        name = names[0]
        return lambda scope: scope.get(name, _NOT_PLAIN)
    dotted = ".".join(names)

    def held(scope: Mapping[str, Any]) -> Any:
        if dotted in scope:
            return _NOT_PLAIN
        value: Any = scope
        for name in names:  # a plain dict, as nearly every value on the way is, asked once
            if type(value) is dict:
                value = value.get(name, _NOT_PLAIN)
                if value is _NOT_PLAIN:
                    return _NOT_PLAIN
            elif isinstance(value, Mapping) and name in value:
                value = value[name]
            else:
                return _NOT_PLAIN
        return value

    return held


def _path_of_two(dotted: str, first: str, second: str) -> _Answer:
    """`_path` of two names, in one function: `_held_at`'s walk unrolled (plain dicts asked with `get`, as it
    asks them), then the value as plain JSON."""

    def walk(scope: Mapping[str, Any]) -> Any:
        if dotted in scope:
            return _NOT_PLAIN
        value = scope.get(first, _NOT_PLAIN) if type(scope) is dict else _member(scope, first)
        value = value.get(second, _NOT_PLAIN) if type(value) is dict else _member(value, second)
        return value if value is _NOT_PLAIN or type(value) in _SCALARS else _plain(value)

    return walk


def _member(value: Any, name: str) -> Any:
    """`value[name]` of a mapping that is not a plain dict (or _NOT_PLAIN: a missing key, no mapping at all)."""
    return value[name] if isinstance(value, Mapping) and name in value else _NOT_PLAIN


def _present_or(test: tuple[str, ...], then: tuple[str, ...], default: Any) -> _Answer:
    """`has(a.b) ? a.b[.c…] : default`: the map holding the tested key, the key's presence, then the value at
    `then` (a path that begins with the tested one)."""
    holder_at, key, value_at = _held_at(test[:-1]), test[-1], _path(then)

    def present_or(scope: Mapping[str, Any]) -> Any:
        holder = holder_at(scope)
        if not isinstance(holder, dict):
            return _NOT_PLAIN
        return value_at(scope) if key in holder else default

    return present_or


def _compared(walk: _Answer, compare: Callable[[Any, Any], bool], literal: Any) -> _Answer:
    def compared(scope: Mapping[str, Any]) -> Any:
        value = walk(scope)
        if type(value) is not type(literal):  # exactly one type: CEL does not compare across types
            return _NOT_PLAIN
        return compare(value, literal)

    return compared


_SCALARS = frozenset({str, bool, float, type(None)})  # exactly these types: CEL hands them back unchanged
_JSON_SCALARS = _SCALARS | {int}
_STRINGS = frozenset({str})


def _plain(value: Any) -> Any:
    """A copy of a JSON value as CEL would return it, or _NOT_PLAIN when CEL might return something else. (A
    plain dict's scalar members are taken as they are, not each passed through again: a context's values are
    mostly those.)"""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is int:
        return value if value in _INT_RANGE else _NOT_PLAIN
    if kind is dict:
        # most hold scalars under plain string keys: then copied whole — checked and copied in C
        if _SCALARS.issuperset(map(type, value.values())) and _STRINGS.issuperset(map(type, value)):
            return value.copy()
        copied = {}
        for key, item in value.items():
            member = type(item)  # a scalar, or an integer CEL keeps as one, as it is: no call for it
            plain = item if member in _SCALARS or (member is int and item in _INT_RANGE) else _plain(item)
            if plain is _NOT_PLAIN or not isinstance(key, str):
                return _NOT_PLAIN
            copied[key] = plain
        return copied
    return _plain_other(value)


def _plain_other(value: Any) -> Any:
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


def evaluate(source: str, scope: Mapping[str, Any]) -> Any:
    """Evaluate `source` against the names it reads from `scope`, and only those. CEL converts every value it
    is handed; handed the whole scope (the context, twice) it spends ~100 µs a call on a modest context,
    against ~1 µs for the few names an expression reads. The common shapes (above) are answered without CEL."""
    value = _shortcut(source)(scope)
    return _through_cel(source, scope) if value is _NOT_PLAIN else value


def _through_cel(source: str, scope: Mapping[str, Any]) -> Any:
    return evaluate_all(source, {name: scope[name] for name in _names_read(source) if name in scope})


def json_value(value: Any) -> Any:
    """A CEL result as JSON: timestamps become RFC 3339 text, durations seconds, bytes text. A NaN or an infinity
    (`1.0 / 0.0`, `double(part) / double(total)` with a total of 0) is refused (ExpressionError): JSON has no such
    number, and nothing could store it."""
    kind = type(value)
    if kind in _FINITE_SCALARS:
        return value
    if kind is dict:  # most values: a plain dict or list, of plain scalars mostly
        return {k if type(k) is str else str(k): v if type(v) in _FINITE_SCALARS else json_value(v)
                for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _FINITE_SCALARS else json_value(v) for v in value]
    return _json_value_other(value)


_FINITE_SCALARS = frozenset({str, bool, int, type(None)})  # a float is looked at: it may be a NaN or an infinity


def _json_value_other(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ExpressionError(repr(value), f"its value is {_not_finite(value)}, which JSON cannot hold: no number "
                              "can be stored for it (a division by zero?)")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):  # CEL's timestamps are aware: written as every time is (engine.runtime.clock)
        return to_rfc3339(value.timestamp())
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    raise ExpressionError(repr(value), f"a value of type {type(value).__name__} cannot be stored")


def output_json(value: Any) -> Any:
    """A handler's output as JSON: as `json_value` (a datetime becomes RFC 3339 text, a timedelta seconds, a
    tuple a list, UTF-8 bytes text) except that a key that is not text, and bytes that are not UTF-8, are refused
    (ExpressionError) rather than turned into text: `{1: …}` or `{None: …}` would become '1' or 'None', two keys
    could become one, and broken bytes would be replaced — the output silently changed. A context is held to the
    same keys (`engine.json_limits.check_json`)."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value
    if kind is dict:
        if not _STRINGS.issuperset(map(type, value)):
            return _keyed_output(value)
        return {k: v if type(v) in _JSON_SCALARS else output_json(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _JSON_SCALARS else output_json(v) for v in value]
    return _output_other(value)


def _output_other(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _keyed_output(value)
    if isinstance(value, list | tuple):
        return [output_json(v) for v in value]
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise ExpressionError(repr(value[:40]), "bytes that are not UTF-8 text cannot be stored") from None
    return _json_value_other(value)


def _not_finite(value: float) -> str:
    if math.isnan(value):
        return "NaN (not a number)"
    return "infinity" if value > 0 else "minus infinity"


def _keyed_output(value: Mapping[Any, Any]) -> dict[str, Any]:
    for key in value:
        if not isinstance(key, str):
            raise ExpressionError(repr(key), f"the key {key!r} is not text: JSON object keys are text")
    return {k: output_json(v) for k, v in value.items()}


def evaluate_json(source: str, scope: dict[str, Any]) -> Any:
    value = _shortcut(source)(scope)  # already plain JSON, copied
    return _cel_json(source, scope) if value is _NOT_PLAIN else value


def _cel_json(source: str, scope: dict[str, Any]) -> Any:
    """`source`'s value from CEL, as JSON; a value JSON cannot hold (a NaN) is said to be the expression's."""
    value = _through_cel(source, scope)
    try:
        return json_value(value)
    except ExpressionError as exc:
        raise ExpressionError(source, exc.message) from None


def evaluate_mapping(mapping: Mapping[str, str], scope: dict[str, Any]) -> dict[str, Any]:
    """Each key's CEL expression evaluated; raises ExpressionError for the first that fails. (`evaluate_json`
    spelt out: a task's input is a mapping of a dozen expressions, evaluated at every entry.)"""
    found: dict[str, Any] = {}
    for key, source in mapping.items():
        value = _shortcut(source)(scope)
        found[key] = _cel_json(source, scope) if value is _NOT_PLAIN else value
    return found
