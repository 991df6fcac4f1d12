"""`statewright serve --demo` as a real process on a free loopback port, used over HTTP like a first visitor.

It runs with `--log-format json`: every line it writes is one JSON object, the demo users' passwords too — the
fields of one record (`demo_users`), where they were a table printed between the records, the one thing a log
collector reading JSON lines could not read."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

STATEWRIGHT = Path(sys.executable).with_name("statewright")
START_TIMEOUT_S = 90.0


@dataclass
class Served:
    url: str
    credentials: dict[str, str]
    process: subprocess.Popen[str]
    output: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _credentials(text: str) -> dict[str, str]:
    """The demo users' passwords, by username, as the record that gives them has them in its fields."""
    (record,) = [json.loads(line) for line in text.splitlines() if '"demo_users"' in line]
    assert record["message"].startswith("demo: the demo users, shown once, keep them"), record
    return {user["username"]: user["password"] for user in record["demo_users"]}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("serve")
    output = folder / "serve.log"
    port = _free_port()
    command = [str(STATEWRIGHT), "serve", "--demo", "--port", str(port), "--db", f"sqlite:///{folder / 'demo.db'}",
               "--log-format", "json"]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    with output.open("w") as log:
        process = subprocess.Popen(command, cwd=folder, stdout=log, stderr=subprocess.STDOUT, text=True, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{output.read_text()}")
        try:
            if httpx.get(f"{url}/api/health", timeout=1.0).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"serve did not answer within {START_TIMEOUT_S} s:\n{output.read_text()}")
    try:
        yield Served(url, _credentials(output.read_text()), process, output)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def _login(served: Served, role: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, timeout=10.0) as client:
        response = client.post("/api/auth/login", json={"username": role, "password": served.credentials[role]})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.cookies["sw_csrf"]
        yield client


def test_demo_prints_one_user_per_role(served: Served) -> None:
    assert sorted(served.credentials) == ["admin", "analyst", "approver", "publisher", "viewer"]
    # letters and digits only: one starting with '-' was misread from the table (and reads as a shell option)
    assert all(password.isalnum() and len(password) >= 16 for password in served.credentials.values())


def test_a_viewer_signs_in_and_lists_the_shipped_definitions(served: Served) -> None:
    with _login(served, "viewer") as client:
        me = client.get("/api/auth/me").json()
        assert me["roles"] == ["viewer"]
        definitions = client.get("/api/definitions?limit=100").json()
        ids = {d["id"] for d in definitions["items"]}
        assert {"lead_qualification", "customer_escalation", "support_ticket_triage"} <= ids
        instances = client.get("/api/instances?limit=500").json()
        statuses = {i["status"] for i in instances["items"]}
        assert {"succeeded", "failed", "running"} <= statuses  # finished, failed, and waiting for a person
        assert_forbidden = client.post("/api/drafts", json={"content": {}})
        assert assert_forbidden.status_code == 403


def test_the_approver_inbox_and_the_ui_are_served(served: Served) -> None:
    with _login(served, "admin") as admin:
        everything = admin.get("/api/approvals?status=all&limit=500").json()
    with _login(served, "approver") as client:
        inbox = client.get("/api/approvals?status=all&limit=500")
        assert inbox.status_code == 200
        # the demo approver holds every approver role the shipped flows name: it sees what the admin sees
        assert {a["id"] for a in inbox.json()["items"]} == {a["id"] for a in everything["items"]}
        pending = [a for a in inbox.json()["items"] if a["status"] == "pending"]
        assert pending
        detail = client.get(f"/api/approvals/{pending[0]['id']}").json()
        assert detail["context"]
        decided = client.post(
            f"/api/approvals/{pending[0]['id']}/decision", json={"decision": "approve", "comment": "demo"}
        )
        assert decided.status_code == 200, decided.text
        assert decided.json()["decisions"][-1]["actor"] == "approver"
        assert client.get("/schema/openapi.json").json()["info"]["title"] == "Statewright designer API"
        page = client.get("/instances/some-deep-link")
        if (Path(__file__).parents[2] / "designer" / "static" / "index.html").is_file():
            assert page.status_code == 200
            assert page.headers["content-type"].startswith("text/html")
        else:
            assert page.status_code == 404
            assert "not built" in page.json()["detail"]


def test_logs_are_one_json_object_per_line(served: Served) -> None:
    httpx.get(f"{served.url}/api/health", timeout=5.0)
    records = [json.loads(line) for line in served.output.read_text().splitlines() if line.strip()]
    assert records, served.output.read_text()
    for record in records:
        assert {"time", "level", "logger", "message", "instance_id", "trace_id"} <= set(record)
        assert record["trace_id"] == ""
    assert any(r["logger"] == "uvicorn.access" and "/api/health" in r["message"] for r in records)


def test_sigterm_with_a_live_page_open_shuts_down_cleanly_and_at_once(served: Served) -> None:
    """A live page holds `/api/stream` open, a stream that never ends by itself: uvicorn waited out its 10 s
    graceful-shutdown timeout for it, then cancelled it with "Exception in ASGI application" and a traceback.
    The server now ends the streams as it starts shutting down (the page's EventSource reconnects later)."""
    events: list[str] = []
    ended = threading.Event()

    def listen() -> None:
        with _login(served, "viewer") as client, client.stream("GET", "/api/stream", timeout=60.0) as stream:
            for line in stream.iter_lines():
                events.append(line)
        ended.set()

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    deadline = time.monotonic() + 30
    while "event: ready" not in events and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "event: ready" in events, served.output.read_text()
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=60) in (0, -signal.SIGTERM)
    assert ended.wait(timeout=10), "the stream did not end"
    log = served.output.read_text()
    assert "Application shutdown complete" in log
    assert "Traceback" not in log
    assert "graceful shutdown exceeded" not in log
