"""Real receivers on 127.0.0.1 for approval notices: an SMTP server (aiosmtpd) that keeps every message, and an
HTTP server that keeps every webhook call and can refuse the first ones."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@contextmanager
def smtp_sink() -> Iterator[tuple[int, Mailbox]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, mailbox
    finally:
        controller.stop()


@dataclass
class Hook:
    refuse_first: int = 0
    calls: list[tuple[dict[str, str], bytes]] = field(default_factory=list)  # every call, refused ones too
    lock: threading.Lock = field(default_factory=threading.Lock)

    def taken(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.calls[self.refuse_first:]]


@contextmanager
def webhook_sink(refuse_first: int = 0) -> Iterator[tuple[str, Hook]]:
    hook = Hook(refuse_first)

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with hook.lock:
                hook.calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
                refused = len(hook.calls) <= hook.refuse_first
            self.send_response(500 if refused else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/approvals", hook
    finally:
        server.shutdown()
        server.server_close()
