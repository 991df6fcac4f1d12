"""A server span per HTTP request when tracing is on (engine.tracing), continuing the caller's trace from its
`traceparent` header: an instance started by the request carries that trace into the worker's spans."""

from __future__ import annotations

from typing import Any

from litestar.types import ASGIApp
from opentelemetry.trace import SpanKind, Status, StatusCode

from engine import tracing

__all__ = ["RequestSpans"]


class RequestSpans:
    """ASGI middleware: `HTTP METHOD /path/{template}` spans with the response status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:  # ASGI's scope: any type of it
        if scope["type"] != "http" or not tracing.tracing_enabled():
            await self.app(scope, receive, send)
            return
        carrier = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
                   if name in (b"traceparent", b"tracestate")}
        attributes = {"http.request.method": scope["method"], "url.path": scope["path"]}
        with tracing.span(f"HTTP {scope['method']}", attributes, parent=carrier, kind=SpanKind.SERVER) as opened:

            async def send_noting_status(message: Any) -> None:
                if opened is not None and message["type"] == "http.response.start":
                    status = int(message["status"])
                    opened.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        opened.set_status(Status(StatusCode.ERROR))
                await send(message)

            await self.app(scope, receive, send_noting_status)
            template = scope.get("path_template")
            if opened is not None and template:
                opened.update_name(f"HTTP {scope['method']} {template}")
                opened.set_attribute("http.route", template)
