"""A request body that stops arriving is answered `408 request-timeout` and its connection closed, instead of
holding the connection and the handler reading it for as long as the client keeps the socket open (uvicorn has no
such limit). A real server on loopback, spoken to over raw sockets, its limit set to one second; a body that keeps
coming, however slowly, is read whole, and a stream that outlives the limit is left alone."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from designer_support import PASSWORD, make_settings, served
from litestar.testing import TestClient

from designer._http_protocol import OneWriteHttpProtocol
from designer.app import build_services, create_app

LIMIT_S = 1.0


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    tmp: Path = tmp_path_factory.mktemp("body-timeout")
    settings = make_settings(tmp, workers=0, deploy_shipped=False, body_read_timeout=timedelta(seconds=LIMIT_S))
    services = build_services(settings)
    services.accounts.add_user("ada", PASSWORD, roles=["viewer"], tenant="acme")
    app = create_app(settings, services=services)
    with TestClient(app):  # its start-up runs here; uvicorn below serves it without a lifespan
        yield from served(app, http=OneWriteHttpProtocol)
    services.close()


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def _read_to_close(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a socket timeout fails the test)."""
    data = b""
    while chunk := connection.recv(65536):
        data += chunk
    return data


def _login_head(length: str) -> bytes:
    return (f"POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n{length}\r\n\r\n"
            .encode())


def _problem(reply: bytes) -> tuple[bytes, dict[str, object]]:
    head, _, body = reply.partition(b"\r\n\r\n")
    return head.lower(), json.loads(body)


def test_a_body_that_stops_arriving_is_a_408_and_the_connection_is_closed(port: int) -> None:
    with _connect(port) as connection:
        connection.sendall(_login_head("Content-Length: 1000") + b'{"username"')
        started = time.monotonic()
        reply = _read_to_close(connection)
        waited = time.monotonic() - started
    head, problem = _problem(reply)
    assert head.startswith(b"http/1.1 408 "), reply[:200]
    assert b"content-type: application/problem+json" in head
    assert b"connection: close" in head
    assert (problem["type"], problem["title"], problem["status"]) == (
        "https://statewright.dev/problems/request-timeout", "Request timeout", 408)
    assert "11 bytes of the 1000 bytes its Content-Length announced came, then nothing for 1 s" in str(
        problem["detail"])
    assert LIMIT_S <= waited < LIMIT_S + 5


def test_a_chunked_body_that_stops_arriving_is_a_408_too(port: int) -> None:
    with _connect(port) as connection:
        connection.sendall(_login_head("Transfer-Encoding: chunked") + b"5\r\n{\"use\r\n")
        head, problem = _problem(_read_to_close(connection))
    assert head.startswith(b"http/1.1 408 ")
    assert "5 bytes of a body sent in chunks came" in str(problem["detail"])


def test_a_body_that_keeps_coming_slowly_is_read_whole(port: int) -> None:
    """Each wait is limited, not the whole body: three parts, each well within the limit, over more than it."""
    body = json.dumps({"username": "ada", "password": "not the password"}).encode()
    parts = [body[:10], body[10:20], body[20:]]
    with _connect(port) as connection:
        connection.sendall(_login_head(f"Content-Length: {len(body)}\r\nConnection: close"))
        for part in parts:
            time.sleep(LIMIT_S * 0.4)
            connection.sendall(part)
        head, problem = _problem(_read_to_close(connection))
    assert head.startswith(b"http/1.1 401 "), head  # read and checked: the password is wrong
    assert problem["type"] == "https://statewright.dev/problems/unauthenticated"


def test_the_server_answers_others_while_a_body_stalls(port: int) -> None:
    with _connect(port) as stalled, _connect(port) as other:
        stalled.sendall(_login_head("Content-Length: 100") + b"{")
        other.sendall(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        assert _read_to_close(other).startswith(b"HTTP/1.1 200 ")
        assert _read_to_close(stalled).startswith(b"HTTP/1.1 408 ")


def test_a_stream_outlives_the_limit(port: int) -> None:
    """After the response starts the app reads only to hear of a disconnect: no wait of the client's, so none is
    limited (a GET carrying a body it never finishes, read after the stream started, keeps its stream)."""
    login = json.dumps({"username": "ada", "password": PASSWORD}).encode()
    with _connect(port) as connection:
        connection.sendall(_login_head(f"Content-Length: {len(login)}\r\nConnection: close") + login)
        cookie = next(line.split(b":", 1)[1].split(b";", 1)[0].strip()
                      for line in _read_to_close(connection).split(b"\r\n")
                      if line.lower().startswith(b"set-cookie: sw_session="))
    with _connect(port) as connection:
        connection.sendall(b"GET /api/stream HTTP/1.1\r\nHost: localhost\r\nCookie: " + cookie
                           + b"\r\nContent-Length: 10\r\n\r\nab")
        first = b""
        while b"event: ready" not in first:
            first += connection.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 "), first
        time.sleep(LIMIT_S * 2.5)
        connection.settimeout(0.5)
        with pytest.raises(TimeoutError):  # no 408, no close: the stream waits for its next notice
            assert connection.recv(65536) != b""
