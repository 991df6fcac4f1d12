"""A real HTTP server on 127.0.0.1 that speaks the chat-completions protocol, for the `llm` executor's tests
(imported by name; pytest puts this folder on sys.path).

The server plays a script: each POST takes the next reply (a JSON body with a status, raw bytes, a delay, or no
Content-Length, or sent a byte at a time; or a body `answer` computes from the request, as a model reads the tool
results it was sent), and records the request body and headers, so a test sees what the client sent and what the
executor made of the answers.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from agents.executors import tool_function_name


@dataclass
class Reply:
    body: Any = None
    status: int = 200
    raw: bytes | None = None
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    answer: Callable[[dict[str, Any]], Any] | None = None  # the body, from the request it answers
    content_length: bool = True  # without it the body runs until the server closes the connection
    drip_s: float = 0.0  # the body sent a byte at a time, this long apart (a gateway's keep-alive trickle)


@dataclass
class Script:
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class ChatCompletions(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            script.requests.append(json.loads(self.rfile.read(length)))
            script.headers.append(dict(self.headers))
            if self.path != "/v1/chat/completions" or not script.replies:
                self.send_response(404)
                self.end_headers()
                return
            reply = script.replies.pop(0)
            time.sleep(reply.delay_s)
            body = reply.answer(script.requests[-1]) if reply.answer is not None else reply.body
            data = reply.raw if reply.raw is not None else json.dumps(body).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                if reply.content_length:
                    self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if reply.drip_s:
                    for byte in data:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(reply.drip_s)
                else:
                    self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout and reply-size tests)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return ChatCompletions


@contextmanager
def chat_completions_server() -> Iterator[tuple[str, Script]]:
    """The server's API base URL (`http://127.0.0.1:PORT/v1`) and its script, until the block ends."""
    script = Script()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", script
    finally:
        httpd.shutdown()
        httpd.server_close()


def completion(content: str | None = None, tool_calls: list[dict[str, Any]] | None = None,
               prompt: int = 100, completion_tokens: int = 20) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-mini",
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if tool_calls else "stop"}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion_tokens,
                      "total_tokens": prompt + completion_tokens}}


def tool_call(call_id: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"id": call_id, "type": "function",
            "function": {"name": tool_function_name(tool), "arguments": json.dumps(arguments)}}
