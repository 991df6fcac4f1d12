"""While another process holds SQLite's write lock (a worker's long transaction, a backup, a script), requests that
only read answer at once — signing the request in by session cookie or bearer token included — and requests that
write wait for the lock, then answer 503 as before.

The lock is taken by a connection of our own on the file and released only after the request has answered: a
read answering 200 answered while the lock was held (one that waited would have met the busy timeout, shortened
here to a second, and answered 503)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from designer_support import PASSWORD, assert_problem, make_settings
from litestar import Litestar
from litestar.testing import TestClient
from sqlite_locks import write_locked

import storage.database
from designer.app import build_services, create_app
from designer.security.middleware import SESSION_COOKIE

WORKFLOW = {
    "id": "chain", "title": "Two steps", "initial": "a",
    "states": {"a": {"type": "task", "action": "flag_for_review", "input": {"qa": "qa"}},
               "done": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "a", "trigger": "done", "dest": "done"}],
}


@dataclass
class Running:
    client: TestClient[Litestar]
    path: Path
    token: str
    session: str
    instance_id: str


@pytest.fixture
def running(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    monkeypatch.setattr(storage.database, "BUSY_TIMEOUT_MS", 1000)  # read when a connection opens
    path = tmp_path / "statewright.db"
    path.write_bytes(sqlite_template.read_bytes())
    settings = make_settings(tmp_path, database_url=f"sqlite:///{path}", workers=0, deploy_shipped=False)
    services = build_services(settings)
    services.accounts.add_user("ada", PASSWORD, roles=["admin"], tenant="default")
    outcome = services.accounts.login("ada", PASSWORD)
    token = services.accounts.create_token(outcome.principal, "tests").token  # never used: no last use yet
    services.engine.deploy(WORKFLOW)
    started = services.engine.start("chain", {"qa": {"total": 4.0, "issues": ["too short"]}})
    with TestClient(create_app(settings, services=services)) as client:
        yield Running(client, path, token, outcome.session_id, started.id)


READS = ["/api/instances", "/api/auth/me", "/api/definitions", "/api/drafts"]


@pytest.mark.parametrize("path", READS)
def test_a_read_signed_in_by_session_answers_while_another_process_writes(running: Running, path: str) -> None:
    running.client.cookies.set(SESSION_COOKIE, running.session)
    with write_locked(running.path):
        answer = running.client.get(path)
        assert answer.status_code == 200, answer.text
    if path == "/api/instances":
        assert [item["id"] for item in answer.json()["items"]] == [running.instance_id]
    if path == "/api/definitions":
        assert [item["id"] for item in answer.json()["items"]] == ["chain"]


@pytest.mark.parametrize("path", READS)
def test_a_read_signed_in_by_a_token_never_used_answers_while_another_process_writes(running: Running,
                                                                                      path: str) -> None:
    """A token's first use records when it was used — a write, skipped while the writer is busy (the next
    request records it) rather than waited for."""
    bearer = {"Authorization": f"Bearer {running.token}"}
    with write_locked(running.path):
        answer = running.client.get(path, headers=bearer)
        assert answer.status_code == 200, answer.text


def test_a_token_use_is_recorded_once_the_writer_is_free(running: Running) -> None:
    bearer = {"Authorization": f"Bearer {running.token}"}
    assert running.client.get("/api/auth/me", headers=bearer).status_code == 200
    assert running.client.get("/api/auth/tokens", headers=bearer).json()["items"][0]["last_used_at"] is not None


def test_a_request_that_writes_still_waits_for_the_lock_and_then_answers_503(running: Running) -> None:
    bearer = {"Authorization": f"Bearer {running.token}"}
    with write_locked(running.path):
        problem = assert_problem(running.client.post("/api/drafts", json={"content": {"id": "a_flow"}},
                                                     headers=bearer), 503, "storage-error")
        assert "database is locked" in problem["detail"]
        problem = assert_problem(running.client.post("/api/instances", json={"workflow_id": "chain"},
                                                     headers=bearer), 503, "storage-error")
        assert "database is locked" in problem["detail"]
    assert running.client.post("/api/drafts", json={"content": {"id": "a_flow"}}, headers=bearer).status_code == 201
