"""`statewright serve`'s HTTP protocol writes a small reply to the socket once — head and body together — and
still delivers every byte of streamed replies, replies that close the connection, and back-to-back requests on
one keep-alive connection. Served by real uvicorn on loopback; the writes are counted by a transport that only
passes them on. The same counting over uvicorn's own protocol sees two writes a reply: the count can fail."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from designer_support import served
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from designer._http_protocol import OneWriteHttpProtocol
from designer._security_headers import UI_HEADERS

WRITES: list[int] = []  # bytes per write reaching the socket, in order


class _Counted(asyncio.Transport):
    def __init__(self, transport: asyncio.Transport) -> None:
        super().__init__()
        self.inner = transport

    def write(self, data: Any) -> None:
        WRITES.append(len(data))
        self.inner.write(data)

    def __getattribute__(self, name: str) -> Any:
        if name in {"write", "inner", "__class__"}:
            return object.__getattribute__(self, name)
        return getattr(object.__getattribute__(self, "inner"), name)


class _CountedOneWrite(OneWriteHttpProtocol):
    """The protocol under test, over a transport that counts what it writes to the socket."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_Counted(transport))


class _CountedUvicorn(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_Counted(transport))


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/stream":  # three events, each after the loop has turned
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for number in range(3):
            await asyncio.sleep(0.01)
            await send({"type": "http.response.body", "body": f"event {number}\n".encode(), "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    body = b'{"ok": true, "path": "' + path.encode() + b'"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if path == "/close":
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
def one_write() -> Iterator[int]:
    yield from served(_app, http=_CountedOneWrite)


@pytest.fixture
def plain_uvicorn() -> Iterator[int]:
    yield from served(_app, http=_CountedUvicorn)


def _request(connection: socket.socket, path: str) -> None:
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())


def _read_reply(connection: socket.socket) -> bytes:
    """One reply with a Content-Length, read to its end."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.lower().split(b"\r\n")
                  if line.startswith(b"content-length"))
    while len(body) < length:
        body += connection.recv(65536)
    return head + b"\r\n\r\n" + body


def _read_to_close(connection: socket.socket) -> bytes:
    data = b""
    while chunk := connection.recv(65536):
        data += chunk
    return data


def test_each_reply_is_one_write_and_keep_alive_requests_all_answer(one_write: int) -> None:
    WRITES.clear()
    with socket.create_connection(("127.0.0.1", one_write), timeout=10) as connection:
        replies = []
        for number in range(5):
            _request(connection, f"/small/{number}")
            replies.append(_read_reply(connection))
    assert [reply.endswith(f'"path": "/small/{n}"}}'.encode()) for n, reply in enumerate(replies)] == [True] * 5
    assert all(reply.startswith(b"HTTP/1.1 200 OK\r\n") for reply in replies)
    assert [len(reply) for reply in replies] == WRITES  # head and body in one write, each reply


def test_uvicorn_alone_writes_head_and_body_apart(plain_uvicorn: int) -> None:
    """The control: what the count sees without the protocol (two writes a reply)."""
    WRITES.clear()
    with socket.create_connection(("127.0.0.1", plain_uvicorn), timeout=10) as connection:
        _request(connection, "/small/0")
        reply = _read_reply(connection)
    assert len(WRITES) == 2
    assert sum(WRITES) == len(reply)


def test_a_streamed_reply_arrives_whole_and_as_it_is_sent(one_write: int) -> None:
    WRITES.clear()
    with socket.create_connection(("127.0.0.1", one_write), timeout=10) as connection:
        connection.sendall(b"GET /stream HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        reply = _read_to_close(connection)
    head, _, chunked = reply.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower()
    assert chunked == b"".join(b"%x\r\n%s\r\n" % (len(e), e) for e in (b"event 0\n", b"event 1\n", b"event 2\n")) + (
        b"0\r\n\r\n")
    assert len(WRITES) >= 4  # the events were not held back until the end: each left in its own turn


def test_a_reply_that_closes_the_connection_is_sent_before_the_close(one_write: int) -> None:
    with socket.create_connection(("127.0.0.1", one_write), timeout=10) as connection:
        _request(connection, "/close")
        reply = _read_to_close(connection)
    assert reply.startswith(b"HTTP/1.1 200 OK")
    assert reply.endswith(b'"path": "/close"}')


@pytest.mark.parametrize("request_head", [
    b"FOO / HTTP/1.1\r\nHost: localhost\r\n\r\n",  # a method HTTP does not have
    b"GET / HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n",  # a space in a header name
    b"GET /a b HTTP/1.1\r\nHost: localhost\r\n\r\n",  # a space in the target
])
def test_a_request_the_parser_refuses_gets_a_problem(one_write: int, request_head: bytes) -> None:
    with socket.create_connection(("127.0.0.1", one_write), timeout=10) as connection:
        connection.sendall(request_head)
        reply = _read_to_close(connection)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"content-type: application/problem+json" in head.lower()
    assert b"x-content-type-options: nosniff" in head.lower()
    headers = dict(line.split(": ", 1) for line in head.decode().lower().split("\r\n")[1:])
    assert {name.lower(): value.lower() for name, value in UI_HEADERS.items()}.items() <= headers.items()
    assert set(headers) >= {"x-frame-options", "referrer-policy", "content-security-policy"}
    problem = json.loads(body)
    assert (problem["type"].rsplit("/", 1)[1], problem["status"]) == ("bad-request", 400)
    assert problem["detail"].startswith("the HTTP request is malformed")
