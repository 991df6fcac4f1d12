"""Reading a value at a dotted path in a JSON document (a context, a result, a table row)."""

from __future__ import annotations

from typing import Any

__all__ = ["is_missing", "read_path"]

_MISSING = object()


def read_path(document: Any, path: str) -> Any:
    """The value at a dotted path (`qualification.score`, `matches.0.article_id`), or a missing marker."""
    value = document
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def is_missing(value: Any) -> bool:
    return value is _MISSING
