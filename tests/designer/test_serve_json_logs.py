"""`statewright serve --log-format json` as a real process on loopback, as an operator runs it: every line it
writes, on either stream, is one JSON object; each request has one access line with its fields and its request
id, which the error lines it causes carry too; `/api/ready`'s 503 tells a load balancer which check failed, and
the server's log, not the public answer, names the database.

Before: the start-up banner was plain text on stdout, a worker thread that died printed Python's plain-text
traceback, the access line was a sentence with no fields and no id, and the 503 gave the database file's path."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from designer_support import PASSWORD

from designer.app import build_services
from designer.settings import Settings

STATEWRIGHT = Path(sys.executable).with_name("statewright")
START_TIMEOUT_S = 90.0
_SERVING = re.compile(r"Statewright designer on (http://127\.0\.0\.1:\d+/)")


@dataclass
class Run:
    database: Path
    stdout: str = ""
    stderr: str = ""
    answers: dict[str, httpx.Response] = field(default_factory=dict)  # by the X-Request-ID sent
    generated: str = ""  # the id the server made for a request that sent none

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stderr.splitlines() if line.strip()]


def _url(process: subprocess.Popen[str], *streams: Path) -> str:
    """Where it listens (`--port 0`: a free port), as it says once it does, on whichever stream it says it."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        said = "".join(stream.read_text() for stream in streams)
        found = _SERVING.search(said)
        if found is not None:
            return found.group(1)
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{said}")
        time.sleep(0.1)
    pytest.fail(f"serve did not say where it listens within {START_TIMEOUT_S} s:\n{said}")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("json-logs")
    database = folder / "served.db"
    services = build_services(Settings(database_url=f"sqlite:///{database}", workers=0, deploy_shipped=False))
    services.accounts.add_user("ada", PASSWORD, roles=["admin"], tenant="acme")
    services.close()
    out, err = folder / "stdout.log", folder / "stderr.log"
    command = [str(STATEWRIGHT), "serve", "--port", "0", "--db", f"sqlite:///{database}", "--log-format", "json"]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(command, cwd=folder, stdout=stdout, stderr=stderr, text=True, env=env)
    result = Run(database)
    try:
        with httpx.Client(base_url=_url(process, out, err), timeout=10.0) as client:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                try:
                    client.get("/api/health", headers={"X-Request-ID": "first-look"})
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, err.read_text()
                    time.sleep(0.1)

            def ask(method: str, path: str, request_id: str, **kwargs: Any) -> httpx.Response:
                answer = client.request(method, path, headers={"X-Request-ID": request_id}, **kwargs)
                result.answers[request_id] = answer
                return answer

            ask("GET", "/api/health", "health-1")
            ask("GET", "/api/ready", "ready-1")
            ask("GET", "/api/no-such-path", "missing-1")
            ask("POST", "/api/auth/login", "login-wrong", json={"username": "ada", "password": "not it at all"})
            ask("POST", "/api/auth/login", "login-ada", json={"username": "ada", "password": PASSWORD})
            ask("GET", "/api/auth/me", "me-1")
            result.generated = client.get("/api/health").headers.get("x-request-id", "")
            for suffix in ("", "-wal", "-shm"):  # the database gone under the server: not ready, a worker stops
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            ask("GET", "/api/ready", "ready-gone")
            deadline = time.monotonic() + 30  # the in-process worker notices the file is gone, and ends
            while "statewright-worker-0" not in err.read_text() and time.monotonic() < deadline:
                time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) in (0, -signal.SIGTERM), err.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    result.stdout, result.stderr = out.read_text(), err.read_text()
    return result


def test_every_line_on_either_stream_is_one_json_object(run: Run) -> None:
    assert run.stdout == ""  # the banner and the hints are log records now, not text beside them
    for line in run.stderr.splitlines():
        assert isinstance(json.loads(line), dict), line
    messages = [record["message"] for record in run.records]
    assert any(message.startswith("Statewright designer on http://127.0.0.1:") for message in messages)
    assert any(message.startswith("thread statewright-worker-0 ended by ") for message in messages)  # its traceback
    for record in run.records:
        assert {"time", "level", "logger", "message", "instance_id", "trace_id", "request_id"} <= set(record)
        assert not record["logger"].startswith("apscheduler"), record


def test_each_request_has_one_access_line_with_its_fields(run: Run) -> None:
    access = [record for record in run.records if record["logger"] == "uvicorn.access"]
    by_id: dict[str, list[dict[str, Any]]] = {}
    for record in access:
        by_id.setdefault(record["request_id"], []).append(record)
    expected = {"health-1": ("GET", "/api/health", 200), "ready-1": ("GET", "/api/ready", 200),
                "missing-1": ("GET", "/api/no-such-path", 404), "login-wrong": ("POST", "/api/auth/login", 401),
                "login-ada": ("POST", "/api/auth/login", 200), "me-1": ("GET", "/api/auth/me", 200),
                "ready-gone": ("GET", "/api/ready", 503), run.generated: ("GET", "/api/health", 200)}
    for request_id, (method, path, status) in expected.items():
        lines = by_id.get(request_id, [])
        assert len(lines) == 1, (request_id, access)
        line = lines[0]
        assert (line["method"], line["path"], line["status"]) == (method, path, status)
        assert isinstance(line["duration_ms"], int | float)
        assert line["duration_ms"] >= 0
    assert (by_id["me-1"][0]["tenant"], by_id["me-1"][0]["user"]) == ("acme", "ada")  # known once signed in
    assert "user" not in by_id["login-wrong"][0]
    assert len(access) == len(by_id) == len(expected) + 1  # and the first look, once: no second line per request


def test_the_id_is_echoed_and_the_error_line_of_a_request_carries_it(run: Run) -> None:
    for request_id, answer in run.answers.items():
        assert answer.headers["x-request-id"] == request_id
    assert re.fullmatch(r"[0-9a-f]{32}", run.generated)
    errors = [record for record in run.records if record["request_id"] == "ready-gone" and record["level"] == "error"]
    assert len(errors) == 1, run.stderr
    assert str(run.database) in errors[0]["message"]  # the reason, whole, for the operator


def test_ready_says_which_check_failed_and_not_where_the_database_is(run: Run) -> None:
    answer = run.answers["ready-gone"]
    assert answer.status_code == 503
    problem = answer.json()
    assert problem["type"].endswith("/storage-error")
    assert problem["detail"] == ("not ready: the database check failed; the server's log has the reason, under "
                                 "request id ready-gone")
    assert run.database.name not in answer.text
