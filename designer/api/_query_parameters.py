"""A query parameter the endpoint does not take is refused with a 400 naming it, not ignored: an ignored filter
(misspelt, or one a newer release takes) answers as if nothing were asked — every row, the default format, the
latest version — and an ignored write option (`?idempotency_kye=` for the body's `idempotency_key`, `?force=1`)
does the write as if it were not there, which cannot be taken back. GETs and writes (POST, PUT, PATCH, DELETE)
alike.

What an endpoint takes is what Litestar reads for it: the query parameters of its handler and of the
dependencies it asks for (a page's `limit` and `offset`), by the names the request spells (`?from=`) — the
same set the OpenAPI document lists, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

__all__ = ["refuse_undeclared_query_parameters"]

_TAKEN: dict[tuple[HTTPRouteHandler, frozenset[str]], frozenset[str]] = {}


def _takes(handler: HTTPRouteHandler, path_parameters: frozenset[str]) -> frozenset[str]:
    """The query parameters `handler` reads, by the names a request gives them (worked out once per handler)."""
    key = (handler, path_parameters)
    found = _TAKEN.get(key)
    if found is None:
        model = handler.create_kwargs_model(path_parameters=dict.fromkeys(path_parameters))  # type: ignore[arg-type]
        found = _TAKEN[key] = frozenset(p.field_alias for p in model.expected_query_params)
    return found


def _refuse_undeclared(scope: Scope) -> None:
    connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)  # parses the query once for the handler
    handler = scope["route_handler"]
    assert isinstance(handler, HTTPRouteHandler)
    known = _takes(handler, frozenset(scope["path_params"]))
    unknown = sorted(set(connection.query_params) - known)
    if unknown:
        raise ValidationException(f"unknown query parameter(s): {', '.join(unknown)}; this endpoint takes "
                                  f"{', '.join(sorted(known)) or 'none'}")


def refuse_undeclared_query_parameters(app: ASGIApp) -> ASGIApp:
    """Middleware (for a controller or a handler): a request with a query parameter its handler does not take is
    a 400 naming it, whatever its method; a request without a query string (most) passes untouched."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("query_string"):
            _refuse_undeclared(scope)
        await app(scope, receive, send)

    return middleware
