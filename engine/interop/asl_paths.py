"""ASL reference paths (`$.order.items[0]`) as CEL paths (`order.items[0]`), and back."""

from __future__ import annotations

import re

from engine.interop.cel_subset import RESERVED, Path, render_path

__all__ = ["BadPath", "cel_of_reference", "data_path", "parse_reference", "reference_of"]

_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_\-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\[\"((?:[^\"\\]|\\.)*)\"\]")


class BadPath(ValueError):
    """A path ASL allows but Statewright cannot follow (a filter, a wildcard, a slice), or no path at all."""


def parse_reference(text: str) -> Path:
    """`$.a.b[0]` → Path(('a', 'b', 0)); `$` → Path(())."""
    if not isinstance(text, str) or not text.startswith("$") or text.startswith("$$"):
        raise BadPath(f"'{text}' is not a reference path starting with '$'")
    parts: list[str | int] = []
    at = 1
    while at < len(text):
        match = _STEP.match(text, at)
        if match is None:
            raise BadPath(f"'{text}' uses a JSONPath feature (filter, wildcard, slice or '..') that has no CEL path")
        name, index, single, double = match.groups()
        parts.append(int(index) if index is not None else (name or single or double or ""))
        at = match.end()
    return Path(tuple(parts))


def cel_of_reference(text: str, prefix: Path | None = None) -> str:
    """CEL reading what the reference reads, under an InputPath `prefix` when there is one."""
    path = parse_reference(text)
    if prefix is not None:
        path = Path((*prefix.parts, *path.parts))
    return render_path(data_path(path))


def data_path(path: Path) -> Path:
    """A path into the context as CEL reads it: a key named like a reserved name is read through `context.`."""
    if path.parts and path.parts[0] in RESERVED:
        return Path(("context", *path.parts))
    return path


def reference_of(path: Path) -> str:
    """Path(('a', 0, 'b c')) → `$.a[0]['b c']` (a leading `context` is the data itself)."""
    text = "$"
    parts = path.parts[1:] if path.parts[:1] == ("context",) else path.parts
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", part):
            text += f".{part}"
        else:
            text += "['" + part.replace("'", "\\'") + "']"
    return text
