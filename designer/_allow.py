"""`Allow` lists every method a path answers, on OPTIONS and on 405 (RFC 9110), HEAD included beside GET.

Litestar answers 405 with the right list, but its OPTIONS handler belongs to the route as first built from
the first handlers of a path, so it leaves out the methods of handlers added later (OPTIONS on
/api/auth/tokens said `OPTIONS, POST`, not GET). The full list comes from the app's routes, looked up by the
path template the router matched.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp

__all__ = ["AllowHeader"]

_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _listed(methods: set[str]) -> str:
    if "GET" in methods:
        methods = {*methods, "HEAD"}  # answered as GET without the body (designer._security_headers)
    return ", ".join(sorted(methods, key=lambda m: (_ORDER.index(m) if m in _ORDER else len(_ORDER), m)))


class AllowHeader:
    """ASGI middleware: the `Allow` header of OPTIONS and 405 answers, complete."""

    def __init__(self, app: ASGIApp, litestar: Litestar) -> None:
        self.app = app
        self.methods: dict[str, set[str]] = {}
        for route in litestar.routes:
            if isinstance(route, HTTPRoute):
                self.methods.setdefault(route.path_format, set()).update(route.methods)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:  # ASGI's scope: any type of it
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_allow(message: Any) -> None:
            if message["type"] == "http.response.start" and (scope["method"] == "OPTIONS" or message["status"] == 405):
                headers = MutableScopeHeaders.from_message(message)
                routed = self.methods.get(scope.get("path_template", ""))
                given = {m.strip().upper() for m in (headers.get("allow") or "").split(",") if m.strip()}
                if routed or given:
                    headers["Allow"] = _listed(routed or given)
            await send(message)

        await self.app(scope, receive, send_with_allow)
