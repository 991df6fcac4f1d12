"""A request body that stops arriving is answered `408 request-timeout`, and its connection closed.

uvicorn sets no limit on the wait for a body: a client that sends its headers with `Content-Length: 1000`, then
ten bytes, then nothing, held the connection and the handler reading the body (an `await` in `check_request`)
for as long as it kept the socket open — a few hundred such clients hold as many handlers. Here each wait for
the body's next bytes is limited (`Settings.body_read_timeout`, 30 s: nginx's `client_body_timeout` is the same
limit, between two reads, 60 s there); past it the read raises `BodyStalled`, which the app's exception handlers
answer as a problem with `Connection: close`, so uvicorn closes the connection once it is sent and the bytes
still owed are never waited for.

Only the body is timed, and only before the response starts: after it, the app reads only to hear of a
disconnect (a stream of server-sent events waits there for hours), which is no wait for a client.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_408_REQUEST_TIMEOUT
from litestar.types import ASGIApp

__all__ = ["BodyReadTimeout", "BodyStalled"]


class BodyStalled(HTTPException):
    """No bytes of the body came within the limit (a 408 with `Connection: close`)."""

    status_code = HTTP_408_REQUEST_TIMEOUT

    def __init__(self, seconds: float, received: int, declared: str | None) -> None:
        owed = f"of the {declared} bytes its Content-Length announced" if declared else "of a body sent in chunks"
        super().__init__(
            detail=f"the request body stopped arriving: {received} bytes {owed} came, then nothing for "
            f"{seconds:g} s; send the whole body without pausing (the connection is closed)",
            headers={"Connection": "close"},
        )


def _content_length(scope: Any) -> str | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return str(value.decode("latin-1"))
    return None


class BodyReadTimeout:
    """ASGI middleware: each wait for the request body's next message is at most `seconds`."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:  # ASGI's scope: any type of it
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_done = False  # the last body message came (or a disconnect): later reads are no body reads
        responding = False
        received = 0

        async def timed_receive() -> Any:
            nonlocal body_done, received
            if body_done or responding:
                return await receive()
            try:  # a deadline on this await, not a task of its own as `wait_for` makes (every request's read)
                async with asyncio.timeout(self.seconds):
                    message = await receive()
            except TimeoutError:
                raise BodyStalled(self.seconds, received, _content_length(scope)) from None
            received += len(message.get("body", b""))
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def noting_send(message: Any) -> None:
            nonlocal responding
            responding = responding or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, timed_receive, noting_send)
