"""A request's validation errors in words: the pattern a value failed said as what the value must be (not as
the regular expression), a dictionary key that failed named as the key it is, and the values an enum takes."""

from __future__ import annotations

import re
import typing
from enum import Enum
from typing import Any

from designer.schemas.migration import MAP_PAIRS_PATTERN
from engine.definition.base import IDENTIFIER_PATTERN
from engine.definition.error_kinds import ERROR_KIND_PATTERN
from engine.definition.moments import RFC3339_PATTERN
from engine.definition.paths import CONTEXT_PATH_PATTERN

__all__ = ["in_words"]

_OF_LETTERS = "letters, digits, '_' and '-', starting with a letter or '_'"
_PATTERNS = {
    IDENTIFIER_PATTERN: f"is not an id: an id is made of {_OF_LETTERS}",
    # a context path and an event type are spelt alike: a name, or names joined by dots
    CONTEXT_PATH_PATTERN: f"is not a name or dotted names (enrichment.company.size, lead.created), each made of "
                          f"{_OF_LETTERS}",
    ERROR_KIND_PATTERN: "is not an error kind: a name of letters, digits, '_', '-' and '.', or '*' for any kind",
    RFC3339_PATTERN: "is not a moment: an RFC 3339 date and time with its offset (2026-01-31T09:00:00Z)",
    MAP_PAIRS_PATTERN: f"is not a state mapping: give old_state:new_state, comma-separated "
                       f"(map=knock:ring_bell,parked:waiting), each state an id made of {_OF_LETTERS}",
}
# msgspec quotes a pattern with its backslashes doubled
_PATTERNS.update({pattern.replace("\\", "\\\\"): words for pattern, words in _PATTERNS.items()})
_PATTERN_FAILED = re.compile(r"^(?:String should match pattern|Expected `str` matching regex) '(.*)'$", re.S)
_ENUM_FAILED = re.compile(r"^Invalid enum value '(.*)'$", re.S)
_DICT_KEY = ".[key]"


def in_words(error: dict[str, Any], annotation: Any = None) -> dict[str, Any]:
    """`error` (Litestar's: message, key, source) said in words where its message is a regular expression or an
    enum's refusal; `annotation`, the parameter's type where the error is a parameter's, gives an enum's values."""
    message, key = str(error.get("message", "")), str(error.get("key") or "")
    if (found := _PATTERN_FAILED.match(message)) is not None and found.group(1) in _PATTERNS:
        words = _PATTERNS[found.group(1)]
        if key.endswith(_DICT_KEY):  # `set.a..b.[key]`: the key `a..b` of the object `set`
            holder, _, bad = key[: -len(_DICT_KEY)].partition(".")
            return {**error, "key": holder, "message": f"the key '{bad}' {words}"}
        return {**error, "message": f"the value {words}"}
    if (found := _ENUM_FAILED.match(message)) is not None and (values := _choices(annotation)):
        return {**error, "message": f"'{found.group(1)}' is not one of {', '.join(values)}"}
    return error


def _choices(annotation: Any) -> list[str]:
    """The values of an Enum or Literal annotation, also where it is optional (`InstanceStatus | None`)."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    if typing.get_origin(annotation) is typing.Literal:
        return [str(value) for value in typing.get_args(annotation)]
    for inner in typing.get_args(annotation):  # a union: the first of its members that has values
        if inner is not type(None) and (values := _choices(inner)):
            return values
    return []
