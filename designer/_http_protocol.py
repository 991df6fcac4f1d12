"""uvicorn's HTTP/1.1 protocol with each response written to the socket once.

uvicorn writes a response's head when the app sends `http.response.start` and its body when the app sends
`http.response.body`: two `send()` system calls, and on loopback two wake-ups of the client, which reads the head
and then waits again for the body. Profiling `bench.bench_api` put a fifth of the server's time in those writes.
Here the writes made in one turn of the event loop are joined and written at the end of the turn (as a server
calling `writev` would): a small reply — head and body sent by the app one after the other — leaves in one call.
A streamed reply (server-sent events) still leaves as the app sends it, one turn later at most.

A request the HTTP parser refuses before the app sees it (an unknown method, a malformed request line or header)
gets the API's problem response, not uvicorn's plain-text "Invalid HTTP request received.", with the security
headers every response carries (the app's middleware, which adds them to the others, never sees it).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from designer._problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from designer._security_headers import UI_HEADERS

__all__ = ["OneWriteHttpProtocol"]

_SECURITY = tuple((name.lower().encode(), value.encode()) for name, value in UI_HEADERS.items())


class _JoinedWrites(asyncio.Transport):
    """A transport that holds the writes of one loop turn and hands them to the real one together."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(bytes(data))

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def _flush(self) -> None:
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self._flush()  # what was written goes out before the connection closes
        self._transport.close()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(len(data) for data in self._pending)

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()


class OneWriteHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over `_JoinedWrites` (pass it as `uvicorn.run(..., http=OneWriteHttpProtocol)`)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_JoinedWrites(transport, asyncio.get_running_loop()))

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request its parser refuses, as the problem every other bad request gets."""
        body = json.dumps({"type": PROBLEM_BASE + "bad-request", "title": "Bad request", "status": 400,
                           "detail": f"the HTTP request is malformed ({msg.rstrip('.')})"}).encode()
        head = [STATUS_LINE[400]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        for name, value in _SECURITY:
            head += [name, b": ", value, b"\r\n"]
        head += [b"content-type: ", PROBLEM_MEDIA_TYPE.encode(), b"\r\n",
                 b"content-length: ", str(len(body)).encode(), b"\r\n",
                 b"connection: close\r\n\r\n", body]
        self.transport.write(b"".join(head))
        self.transport.close()
