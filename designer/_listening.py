"""The socket `statewright serve` listens on, bound before anything else starts.

Binding first means a port another server holds stops the command at once with one line — before it opens the
database, deploys or seeds anything, and without uvicorn's start-up and shut-down log around an error — and
that `--port 0` (any free port) prints the port it got rather than 0.
"""

from __future__ import annotations

import errno
import socket

from engine.cli.output import fail

__all__ = ["listening_socket", "url_of"]


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port), as uvicorn binds one (IPv6 when the host has a colon)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        hint = "; another server listens there: choose another --port" if exc.errno == errno.EADDRINUSE else ""
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}")
    sock.set_inheritable(True)
    return sock


def url_of(host: str, sock: socket.socket) -> str:
    """The designer's address: the port the socket got (the one asked for, or the free one for port 0)."""
    port = int(sock.getsockname()[1])
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
