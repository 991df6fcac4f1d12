"""Finding the strings of a JSON value that hold a given character: each string and object key, by JSON pointer.

Used where text a database cannot store is refused before it reaches a table: U+0000 in a definition
(`engine.validation.checks.nul_characters`) and U+0000 or a lone surrogate in a request's body
(`designer._unstorable_text`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = ["pointer_token", "strings_holding"]


def pointer_token(key: str | int) -> str:
    """`key` as one token of a JSON pointer (RFC 6901: `~` and `/` escaped)."""
    return str(key).replace("~", "~0").replace("/", "~1")


def strings_holding(value: Any, wanted: re.Pattern[str]) -> Iterator[tuple[str, str, bool]]:
    """(pointer, text, is a key) of each string or object key in `value` in which `wanted` finds a match;
    iterative, since a value may nest deeply."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if wanted.search(item):
                yield where, item, False
        elif isinstance(item, dict):
            for key, child in item.items():
                place = f"{where}/{pointer_token(key)}"
                if isinstance(key, str) and wanted.search(key):
                    yield place, key, True
                stack.append((child, place))
        elif isinstance(item, list):
            stack.extend((child, f"{where}/{index}") for index, child in enumerate(item))
