"""Checks every request passes before its parameters or body are read."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException

from designer._body_media import refuse_unsupported_body
from designer._duplicate_keys import refuse_duplicate_keys
from designer._json_bodies import refuse_unknown_fields
from designer._path_integers import refuse_loose_integers
from designer._unstorable_text import refuse_unstorable_text
from engine.errors import InvalidInput
from engine.json_limits import MAX_JSON_DEPTH

__all__ = [
    "MAX_BODY_DEPTH",
    "check_request",
    "refuse_repeated_query_parameters",
    "refuse_unreadable_body",
]

# A body wraps the context, payload or definition it carries (`{"context": …}`, `{"content": …}`), so it may
# nest a few levels more than the engine's limit; the engine then checks the value itself (422 invalid-input).
MAX_BODY_DEPTH = MAX_JSON_DEPTH + 8
_STRUCTURE = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_OPENING = frozenset(b"[{")


async def refuse_repeated_query_parameters(request: Request[Any, Any, Any]) -> None:
    """Every query parameter of the API is one value: `?status=a&status=b` is refused, not half-read."""
    if not request.scope.get("query_string"):
        return  # most requests: nothing to parse
    repeated = sorted(
        {key for key, _ in request.query_params.multi_items() if len(request.query_params.getall(key)) > 1}
    )
    if repeated:
        raise ValidationException(f"query parameter(s) given more than once: {', '.join(repeated)}")


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether the JSON text `body` nests arrays and objects deeper than `limit` (strings skipped; stops at
    the first level past the limit, so a body nested a million levels costs no more than one at the limit)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # cannot nest deeper than it opens (most bodies: no scan)
    depth = 0
    for match in _STRUCTURE.finditer(body):
        first = match.group()[0]
        if first in _OPENING:
            depth += 1
            if depth > limit:
                return True
        elif first != ord('"'):
            depth -= 1
    return False


async def refuse_unreadable_body(request: Request[Any, Any, Any]) -> None:
    """A body that is not UTF-8, or JSON nested past `MAX_BODY_DEPTH`, is a 400 before any decoder sees it
    (the JSON decoder would otherwise raise RecursionError: a 500)."""
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return
    body = await request.body()
    if not body:
        return
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationException(f"the body is not valid UTF-8 (byte {exc.start})") from exc
    if json_depth_exceeds(body, MAX_BODY_DEPTH):
        raise ValidationException(
            f"the JSON body is nested more than {MAX_BODY_DEPTH} levels deep; contexts, payloads and definitions "
            f"may nest at most {MAX_JSON_DEPTH} levels (docs/runtime.md#limits)"
        )


async def check_request(request: Request[Any, Any, Any]) -> None:
    await refuse_repeated_query_parameters(request)
    await refuse_loose_integers(request)
    await refuse_unsupported_body(request)
    await refuse_unreadable_body(request)
    await refuse_duplicate_keys(request)
    try:
        await refuse_unstorable_text(request)
    except InvalidInput:
        await refuse_unknown_fields(request)  # the client's own bug, which the document names: heard of first
        raise
