"""How deep and how large the JSON the engine accepts may be: contexts, payloads, comments and definitions.

Checked before anything is written, so data the engine cannot read back (a context nested 500 levels deep
breaks recursive encoders) is refused with `InvalidInput` instead of being committed. The walk is iterative,
so a value nested far deeper than Python's recursion limit is measured and refused, not crashed on.
See docs/runtime.md#limits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from engine.errors import InvalidInput
from storage.codec import dump

__all__ = ["MAX_DEFINITION_BYTES", "MAX_JSON_BYTES", "MAX_JSON_DEPTH", "JsonMeasure", "check_json", "measure_json",
           "unstorable_at"]

MAX_JSON_DEPTH = 64
MAX_JSON_BYTES = 1024 * 1024
MAX_DEFINITION_BYTES = 8 * 1024 * 1024


class JsonMeasure:
    """The depth of a value (a scalar is 0, `{}` or `[]` is 1), the pointer to its deepest point, and about
    how many bytes its compact JSON takes."""

    __slots__ = ("deepest", "depth", "size")

    def __init__(self, depth: int, deepest: tuple[str, ...], size: int) -> None:
        self.depth = depth
        self.deepest = deepest
        self.size = size

    def pointer(self) -> str:
        return _pointer(self.deepest)


def _scalar_size(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode("utf-8", errors="replace")) + 2
    if value is None or isinstance(value, bool):
        return 5
    return len(repr(value))


def measure_json(value: Any, *, stop_depth: int | None = None, stop_size: int | None = None) -> JsonMeasure:
    """Measure `value` without recursion; stops early once `stop_depth` or `stop_size` is passed."""
    depth, size = 0, 0
    deepest: tuple[str, ...] = ()
    stack: list[tuple[Any, int, tuple[str, ...]]] = [(value, 0, ())]
    while stack:
        item, level, path = stack.pop()
        if isinstance(item, Mapping):
            level += 1
            size += 2 + max(0, len(item) - 1)
            for key, child in item.items():
                size += _scalar_size(str(key)) + 1
                stack.append((child, level, path if len(path) >= 8 else (*path, str(key))))
        elif isinstance(item, list | tuple):
            level += 1
            size += 2 + max(0, len(item) - 1)
            for index, child in enumerate(item):
                stack.append((child, level, path if len(path) >= 8 else (*path, str(index))))
        else:
            size += _scalar_size(item)
        if level > depth:
            depth, deepest = level, path
        if (stop_depth is not None and depth > stop_depth) or (stop_size is not None and size > stop_size):
            break
    return JsonMeasure(depth, deepest, size)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _within_depth(value: Any, max_depth: int) -> bool:
    """Whether `value` nests no deeper than `max_depth`: a walk over its containers only, stopping early."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        level += 1
        if level > max_depth:
            return False
        # a string, number, boolean or null (most members) is let go before the costlier check of `Mapping`
        stack.extend((child, level) for child in children
                     if type(child) not in _SCALARS and isinstance(child, Mapping | list | tuple))
    return True


def _encoded_size(value: Any) -> int:
    """Bytes of `value` as compact JSON (TypeError or ValueError when it is not plain JSON, UnicodeEncodeError
    when a string holds a lone surrogate, which no UTF-8 database column can store)."""
    text = dump(value)
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _pointer(path: tuple[str, ...]) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path) or "/"


def _not_json(value: Any) -> tuple[str, str] | None:
    """Where `value` holds something JSON cannot (a NaN, a datetime, a set, a tuple as a key, a string with a
    lone surrogate), and what: (pointer, reason); None when it is plain JSON. Iterative, like the walk."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, Mapping):
            for key, child in item.items():
                if not isinstance(key, str | int | bool | None):  # json writes these as strings
                    return _pointer(path), f"the key {key!r} is not a string"
                stack.append((str(key), path))  # the key's text is checked as a string is
                stack.append((child, (*path, str(key))))
        elif isinstance(item, list | tuple):
            stack.extend((child, (*path, str(index))) for index, child in enumerate(item))
        elif isinstance(item, str | float):
            if (problem := _text_or_number_problem(item)) is not None:
                return _pointer(path), problem
        elif item is not None and not isinstance(item, bool | int):
            return _pointer(path), f"{_a(type(item).__name__)} is not a JSON value"
    return None


def _text_or_number_problem(item: str | float) -> str | None:
    """Why a string or a float cannot be written as JSON (a lone surrogate; a NaN or an infinity), or None."""
    if isinstance(item, str):
        if item.isascii() or _is_unicode(item):
            return None
        return "a string holds a lone surrogate, which is not Unicode text"
    return None if math.isfinite(item) else f"{item} is not a JSON number"


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


_CONVERTED = (type(None), bool, datetime, timedelta, bytes)  # `json_value` turns these into JSON (or they are)
_Where = tuple[str, "_Where"] | None  # a key and the place of the container holding it, innermost first


def _where_pointer(where: _Where) -> str:
    keys: list[str] = []
    while where is not None:
        keys.append(where[0])
        where = where[1]
    return _pointer(tuple(reversed(keys)))


def unstorable_at(value: Any, *, max_depth: int = 1_000) -> tuple[str, str] | None:
    """Where a handler's output holds what the tables cannot keep, and what: (JSON pointer, reason) — a type
    JSON has not (a datetime, timedelta or UTF-8 bytes is fine: the engine converts them), a key that is not
    text, bytes that are not UTF-8, a NaN or an infinity, an integer too long to write, a string with a lone
    surrogate, a container that contains itself; None when there is none within `max_depth` levels. Called once
    storing an output failed, to say where."""
    inside: set[int] = set()  # the containers the walk is in now
    stack: list[tuple[Any, _Where, int]] = [(value, None, 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth < 0:  # leaving the container `item` (an id)
            inside.discard(item)
            continue
        if not isinstance(item, Mapping | list | tuple):
            problem = _leaf_problem(item)
        elif id(item) in inside:
            problem = "it contains itself"
        else:
            problem = _key_problem(item) if isinstance(item, Mapping) else None
            if problem is None and depth < max_depth:
                inside.add(id(item))
                stack.append((id(item), where, -1))
                children = item.items() if isinstance(item, Mapping) else enumerate(item)
                stack.extend((child, (str(key), where), depth + 1) for key, child in children)
        if problem is not None:
            return _where_pointer(where), problem
    return None


def _key_problem(mapping: Mapping[Any, Any]) -> str | None:
    for key in mapping:
        if not isinstance(key, str):
            return f"the key {key!r} is not text: JSON object keys are text"
    return None


def _leaf_problem(item: Any) -> str | None:
    """Why a value that holds no other cannot be stored as JSON, or None."""
    if isinstance(item, str | float):
        return _text_or_number_problem(item)
    if isinstance(item, bytes):
        try:
            item.decode("utf-8")
        except UnicodeDecodeError:
            return "bytes that are not UTF-8 text cannot be stored"
        return None
    if isinstance(item, int) and not isinstance(item, bool):
        # past Python's 4,300 digits for converting an integer to text
        return "an integer of more than 4,300 digits cannot be written" if item.bit_length() > 14_000 else None
    return None if isinstance(item, _CONVERTED) else f"{_a(type(item).__name__)} is not a JSON value"


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_json(value: Any, what: str, *, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise `InvalidInput` naming `what` when `value` nests deeper than `max_depth` or is larger than
    `max_bytes` as compact JSON. Plain JSON within the depth is sized by encoding it (in C: every start and send
    checks its input); anything else is measured by the walk, which also finds where it is deepest."""
    if _within_depth(value, max_depth):
        try:
            size = _encoded_size(value)
        except (TypeError, ValueError):  # not plain JSON (a NaN, an object, a lone surrogate): found below
            pass
        else:
            if size > max_bytes:
                raise InvalidInput(f"{what} takes {size:,} bytes as JSON, more than the {max_bytes:,} allowed")
            return
    found = measure_json(value, stop_depth=max_depth, stop_size=max_bytes)
    if found.depth > max_depth:
        raise InvalidInput(f"{what} is nested more than {max_depth} levels deep (at {found.pointer()}…); "
                           f"the limit is {max_depth}")
    if found.size > max_bytes:
        raise InvalidInput(f"{what} takes more than the {max_bytes:,} bytes as JSON allowed")
    wrong = _not_json(value)
    if wrong is not None:
        raise InvalidInput(f"{what} is not JSON: at {wrong[0]}, {wrong[1]}")
