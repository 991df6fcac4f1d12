"""A request id for every HTTP request, so that a log line can be tied to the request that caused it.

The id is the caller's `X-Request-ID` when it is a sane token (at most 128 of `A-Z a-z 0-9 . _ : -`: a proxy's or
a client's own id, followed through), else a new one; a header that is not one — too long, spaces, control
characters — is replaced rather than echoed into the log. The response carries it back in `X-Request-ID`, and
every log record written while the request is handled carries it (`engine.log_format.request_scope`), in the
threads the handlers run on too: the engine's lines as well as the designer's.

With JSON logs, uvicorn's access line — one per request, written as the response's head is sent — also carries
the request's `method`, `path` (without its query, which may hold a token), `status`, `duration_ms` (from the
request's arrival to its response's head: a stream's start, not its end), `request_id`, and the `tenant` and
`user` once authentication has named them (`AccessFields`, on uvicorn's access logger).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from litestar.types import ASGIApp

from designer.security.principal import Principal
from engine.log_format import request_scope

__all__ = ["ACCESS_LOGGER", "REQUEST_ID_HEADER", "AccessFields", "RequestIds", "annotate_access_lines"]

REQUEST_ID_HEADER = "X-Request-ID"
ACCESS_LOGGER = "uvicorn.access"  # uvicorn writes the access line; `AccessFields` adds to it
_HEADER = REQUEST_ID_HEADER.lower().encode()
_SANE = re.compile(rb"[A-Za-z0-9._:-]{1,128}")


@dataclass(slots=True)
class _Exchange:
    """What the access line says of the request being handled."""

    request_id: str
    method: str
    path: str
    started: float  # time.perf_counter() as the request reached the app
    scope: dict[str, Any]  # read again when the line is written: authentication has put the user in it by then
    status: int | None = None


_exchange: ContextVar[_Exchange | None] = ContextVar("statewright_http_exchange", default=None)


def _request_id(headers: list[tuple[bytes, bytes]]) -> str:
    """The caller's id when it is a sane token, else a new one (32 hex digits)."""
    for name, value in headers:
        if name == _HEADER:
            if _SANE.fullmatch(value):
                return value.decode("ascii")
            break
    return uuid.uuid4().hex


class RequestIds:
    """ASGI middleware: the request's id in force while it is handled, and sent back in `X-Request-ID`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:  # ASGI's scope: any type of it
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope["headers"])
        exchange = _Exchange(request_id, scope["method"], scope["path"], time.perf_counter(), scope)
        echoed = (_HEADER, request_id.encode())

        async def send_with_id(message: Any) -> None:
            if message["type"] == "http.response.start":
                exchange.status = int(message["status"])
                kept = [(name, value) for name, value in message.get("headers", ()) if name.lower() != _HEADER]
                message = {**message, "headers": [*kept, echoed]}
            await send(message)  # uvicorn writes its access line in here, while the exchange is current

        token = _exchange.set(exchange)
        try:
            with request_scope(request_id):
                await self.app(scope, receive, send_with_id)
        finally:
            _exchange.reset(token)


class AccessFields(logging.Filter):
    """On uvicorn's access logger: its line for a request gets that request's fields (the JSON formatter writes
    them; engine.log_format.ACCESS_FIELDS). A line written outside a request — uvicorn's answer to a request its
    parser refused — is left as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        exchange = _exchange.get()
        if exchange is None:
            return True
        record.request_id = exchange.request_id
        record.method = exchange.method
        record.path = exchange.path
        record.status = exchange.status
        record.duration_ms = round((time.perf_counter() - exchange.started) * 1000, 1)
        user = exchange.scope.get("user")
        if isinstance(user, Principal):
            record.tenant = user.tenant
            record.user = user.username
        return True


def annotate_access_lines() -> None:
    """Give uvicorn's access lines their request's fields (once a process)."""
    access = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, AccessFields) for existing in access.filters):
        access.addFilter(AccessFields())
