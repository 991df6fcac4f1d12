"""A JSON value's type in the words a definition's author uses ('a string', 'an object'), for messages."""

from __future__ import annotations

from typing import Any

__all__ = ["json_type"]

_NAMES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "a boolean"), ((int, float), "a number"), (str, "a string"), (list, "a list"), (dict, "an object"))


def json_type(value: Any) -> str:
    """'null', 'a boolean', 'a number', 'a string', 'a list' or 'an object' (else the value's class)."""
    if value is None:
        return "null"
    for kind, name in _NAMES:
        if isinstance(value, kind):
            return name
    return f"a {type(value).__name__}"
