"""Writing into the context by path: a task's `output` and a transition's `assign` keys may be dotted paths
(`enrichment.company.size`). Intermediate objects are created; writing into an existing object sets only that
key, its other keys kept; a whole value written at a path replaces what was there. The input is never changed:
each object on the way is copied before it is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.definition.paths import path_parts
from engine.runtime.json_types import json_type

__all__ = ["PathConflict", "with_changes"]


class PathConflict(Exception):
    """A path runs through a value that is not an object (a string, a number, a list)."""

    def __init__(self, path: str, blocked_at: str, value: Any) -> None:
        self.path = path
        self.message = (f"cannot write '{path}': '{blocked_at}' holds {json_type(value)}, not an object")
        super().__init__(self.message)


def with_changes(context: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`context` with each change written at its path, in order. Raises `PathConflict`."""
    result = dict(context)
    for path, value in changes.items():
        if "." not in path:
            result[path] = value
            continue
        target = result
        parts = path_parts(path)
        for depth, key in enumerate(parts[:-1]):
            current = target.get(key)
            if current is not None and not isinstance(current, dict):
                raise PathConflict(path, ".".join(parts[: depth + 1]), current)
            child = {} if current is None else dict(current)
            target[key] = child
            target = child
        target[parts[-1]] = value
    return result
