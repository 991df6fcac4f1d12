"""Text no database can hold, refused at the door: U+0000 (PostgreSQL's text and JSON types cannot store it) and
lone UTF-16 surrogates (`"\\ud800"` in JSON decodes to a string that is not Unicode and cannot be encoded as
UTF-8). Without this check such a request reaches a table and fails there with a 500 on PostgreSQL — in a
draft's title, an idempotency key, a login name, an id in the path — while SQLite stores it; refusing it on both
keeps the two backends answering alike, with a 422 invalid-input that names where the character is.
"""

from __future__ import annotations

import json
import re
from typing import Any

from litestar import Request

from engine.errors import InvalidInput
from engine.json_strings import strings_holding

__all__ = ["STORES_NOTHING", "refuse_unstorable_text"]

# The `opt` of a controller whose bodies are only read, never stored (validate, analyze, simulate, import…): they
# answer any JSON with findings, so a definition with U+0000 in it gets its report like any other.
STORES_NOTHING = {"stores_nothing": True}

# The only ways JSON text can spell U+0000 or a surrogate: most bodies have neither and are not parsed here.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _spelt(text: str) -> str:
    """`text` with each unstorable character written as its JSON escape, so the problem can name it."""
    return _UNSTORABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _refuse(source: str, key: str, text: str) -> InvalidInput:
    """A 422 (the OpenAPI document cannot say "no U+0000", so a request that fits it is not a 400)."""
    found = "U+0000" if "\x00" in text else "a lone UTF-16 surrogate"
    return InvalidInput(f"{source} {_spelt(key)}: holds {found}, which the database cannot store as text; remove it")


async def refuse_unstorable_text(request: Request[Any, Any, Any]) -> None:
    """A 422 for U+0000 in the path or query, or U+0000 or a lone surrogate anywhere in a JSON body that may be
    stored (naming its JSON pointer). Runs after the body is known to be UTF-8 and not nested too deep."""
    if "\x00" in request.scope["path"]:
        raise _refuse("path", request.scope["path"], request.scope["path"])
    query = request.scope.get("query_string", b"")
    if query and (b"%00" in query or b"\x00" in query):
        named = [key for key, value in request.query_params.multi_items() if "\x00" in key + value]
        if named:
            raise _refuse("query", named[0], "\x00")
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE") or request.route_handler.opt.get("stores_nothing"):
        return
    body = await request.body()
    if not _SUSPECT_ESCAPE.search(body):
        return
    try:
        document = json.loads(body)
    except ValueError:
        return  # not JSON: the decoder refuses it as it refuses any other
    first = min(strings_holding(document, _UNSTORABLE), default=None)
    if first is not None:
        raise _refuse("body", first[0] or "/", first[1])
