"""Headers every response carries, and HEAD answered like GET (without the body).

The UI is served with a Content-Security-Policy that allows only its own scripts, styles (React Flow sets
inline styles), images and API calls, and forbids framing; the API reference pages under /schema (whose
Swagger and ReDoc variants load their code from a CDN) are only forbidden to be framed.
"""

from __future__ import annotations

from typing import Any

from litestar.types import ASGIApp

__all__ = ["UI_CSP", "UI_HEADERS", "SecurityHeaders"]

UI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_SCHEMA_CSP = "frame-ancestors 'none'"
_COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# what a response outside /schema carries: also those written before the app sees the request (_http_protocol)
UI_HEADERS = {**_COMMON, "Content-Security-Policy": UI_CSP}
# as they go on the wire, each beside the lower-case name that tells whether a response set its own
_Raw = tuple[tuple[bytes, bytes, bytes], ...]
_UI_RAW: _Raw = tuple(
    (name.lower().encode(), name.encode(), value.encode())
    for name, value in UI_HEADERS.items()
)
_SCHEMA_RAW: _Raw = tuple(
    (name.lower().encode(), name.encode(), value.encode())
    for name, value in {**_COMMON, "Content-Security-Policy": _SCHEMA_CSP}.items()
)


def _with_defaults(headers: list[tuple[bytes, bytes]], defaults: _Raw) -> list[tuple[bytes, bytes]]:
    """`headers` and each of `defaults` the response did not set itself (the names compared once, lower-cased:
    a mapping view over the list would scan it per header)."""
    present = {name.lower() for name, _ in headers}
    return [*headers, *((name, value) for lower, name, value in defaults if lower not in present)]


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response; HEAD run as GET with the body dropped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:  # ASGI's scope: any type of it
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        defaults = _SCHEMA_RAW if scope["path"].startswith("/schema") else _UI_RAW

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _with_defaults(list(message.get("headers", ())), defaults)}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)
