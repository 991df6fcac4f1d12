"""A context schema's `$ref` to a URL or a file: validating the workflow fetched the URL (a viewer's
`/api/validate` made the server GET `http://127.0.0.1:…/x.json`, and wait 30 s on a listener that never answers)
or read the file (`file:///…`), whose content then became the schema. Now a `$ref` resolves only within the
schema: nothing is fetched or read, and validation says where the reference is."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from designer_support import MINIMAL_WORKFLOW, Env

from engine import Engine
from engine.definition import Workflow
from engine.errors import InvalidInput


class _Counting(BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - one listener per test

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b'{"type": "number"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A schema server on loopback, and the paths it was asked for."""
    _Counting.hits = []
    server = HTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/x.json", _Counting.hits
    server.shutdown()
    server.server_close()


def _referring(target: str) -> dict[str, Any]:
    flow = copy.deepcopy(MINIMAL_WORKFLOW)
    flow["context"] = {"type": "object", "properties": {"n": {"type": "integer"}, "r": {"$ref": target}},
                       "$defs": {"money": {"type": "number"}}}
    return flow


def test_validation_refuses_a_ref_to_a_url_or_a_file_without_reading_it(env: Env, listener: tuple[str, list[str]],
                                                                         tmp_path: Path) -> None:
    url, hits = listener
    secret = tmp_path / "secret.json"
    secret.write_text('{"type": "string"}', encoding="utf-8")
    for target in (url, secret.as_uri(), "other.json"):
        for path in ("/api/validate", "/api/simulate"):
            body: dict[str, Any] = {"definition": _referring(target)}
            if path == "/api/simulate":
                body["context"] = {"n": 1, "r": 5}
            reply = env.call("POST", path, "viewer", json=body)
            assert reply.status_code in (200, 422), (path, reply.text)
            findings = reply.json()["findings"]
            assert ("invalid-context-schema", "/context/properties/r/$ref") in [
                (f["code"], f["pointer"]) for f in findings], (path, target, findings)
            assert any(f"refers to '{target}' outside itself" in f["message"] for f in findings)
    assert hits == [], "the server fetched the schema's $ref"
    inside = env.call("POST", "/api/validate", "viewer", json={"definition": _referring("#/$defs/money")}).json()
    assert inside["valid"] is True, inside  # a reference within the schema is fine


def test_a_model_built_in_code_with_such_a_ref_never_fetches_it(listener: tuple[str, list[str]],
                                                                tmp_path: Path) -> None:
    url, hits = listener
    with Engine(f"sqlite:///{tmp_path / 'refs.db'}") as engine:
        engine.deploy(Workflow.model_validate(_referring(url)))  # a model: only its catalog checks run
        with pytest.raises(InvalidInput, match=r"the context schema cannot check a context: .*Retrieval is disabled"):
            engine.start("tiny_flow", {"n": 1, "r": "text"})
    assert hits == []
