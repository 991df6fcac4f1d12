"""The context's size limit, kept after every step and not only at the start: an `assign` (`s + s`, sent 14 times),
a task's output added to what the context holds, or a map's results could grow a context that started within the
limit past it — to 450 MB in one step, which took the server a minute to write, holding every other request.

A step that would leave the context larger than `MAX_JSON_BYTES` as JSON is refused (a sent event: `InvalidInput`,
the instance as it was) or fails the instance with kind `context_too_large` (the engine's own events: an action's
outcome, a timer, a child's end), and nothing of it is stored. What a step writes is encoded (in C) to measure it;
the whole context only when that is more than a few KiB: a context can pass the limit only through a large write,
or through very many writes to different paths, which a definition names one by one."""

from __future__ import annotations

from typing import Any

from engine.json_limits import MAX_JSON_BYTES, MAX_JSON_DEPTH, measure_json
from storage.codec import dump

__all__ = ["CONTEXT_TOO_LARGE", "oversize"]

CONTEXT_TOO_LARGE = "context_too_large"
WHOLE_CHECKED_ABOVE = 4096  # characters a step writes, as JSON, past which the whole context is measured


def _written_size(changes: dict[str, Any]) -> int:
    """What `changes` take as JSON: encoded in C when they are small, which nearly all are; measured by a walk that
    stops past the limit when a long list or text near their top could make them huge (encoding 450 MB to refuse
    it took two seconds)."""
    if _wide(changes, 2):
        return measure_json(changes, stop_depth=MAX_JSON_DEPTH, stop_size=MAX_JSON_BYTES).size
    return len(dump(changes))


def _wide(value: Any, levels: int) -> bool:
    """Whether `value`, in its first `levels` levels, holds a list or object of more than 256 entries or a text of
    more than 64 KiB (what a step writes is a value at each path it names: its own first level is those paths)."""
    if isinstance(value, str):
        return len(value) > 65_536
    if isinstance(value, dict | list):
        if len(value) > 256:
            return True
        if levels > 1:
            return any(_wide(item, levels - 1) for item in (value.values() if isinstance(value, dict) else value))
    return False


def oversize(changes: dict[str, Any], written: dict[str, Any]) -> str | None:
    """Why the context `written` (the context after `changes`) is too large to keep, or None."""
    try:
        changed = _written_size(changes)
        if changed <= WHOLE_CHECKED_ABOVE:
            return None
        if changed > MAX_JSON_BYTES:
            return f"the values it writes take more than the {MAX_JSON_BYTES:,} bytes as JSON a context may hold"
        size = len(dump(written).encode("utf-8"))
    except (TypeError, ValueError, RecursionError):  # not JSON: said where it is stored (`unstorable_at`)
        return None
    if size <= MAX_JSON_BYTES:
        return None
    return f"the context would take {size:,} bytes as JSON, more than the {MAX_JSON_BYTES:,} allowed"
