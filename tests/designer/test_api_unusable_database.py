"""A database the designer's own tables cannot use — one of them gone from under the running app, or (for the
requests that write) the database locked by another process past the busy timeout — answers signing in, token and
session authentication and drafts with a 503 problem giving the database's reason in one line (no SQL, no
traceback), as the engine's storage errors do; once the database is usable again, the same request succeeds."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from designer_support import PASSWORD, assert_problem, make_settings
from litestar import Litestar
from litestar.testing import TestClient

import storage.database
from designer.app import build_services, create_app
from designer.security.middleware import SESSION_COOKIE


@dataclass
class Running:
    client: TestClient[Litestar]
    database_url: str
    token: str  # never used before the database breaks: no request remembered it
    session: str  # signed in before the database breaks, not yet used

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _app(database_url: str, tmp_path: Path) -> Iterator[Running]:
    settings = make_settings(tmp_path, database_url=database_url, workers=0, deploy_shipped=False)
    services = build_services(settings)
    services.accounts.add_user("ada", PASSWORD, roles=["admin"], tenant="acme")
    outcome = services.accounts.login("ada", PASSWORD)
    token = services.accounts.create_token(outcome.principal, "tests").token
    with TestClient(create_app(settings, services=services)) as client:
        yield Running(client, database_url, token, outcome.session_id)


@pytest.fixture
def running(database_url: str, tmp_path: Path) -> Iterator[Running]:
    yield from _app(database_url, tmp_path)


Call = Callable[[Running], httpx.Response]


def _login(app: Running) -> httpx.Response:
    return app.client.post("/api/auth/login", json={"username": "ada", "password": PASSWORD})


def _by_token(app: Running) -> httpx.Response:
    return app.client.get("/api/auth/me", headers=app.bearer())


def _by_session(app: Running) -> httpx.Response:
    app.client.cookies.set(SESSION_COOKIE, app.session)
    try:
        return app.client.get("/api/auth/me")
    finally:
        app.client.cookies.clear()


def _list_drafts(app: Running) -> httpx.Response:
    return app.client.get("/api/drafts", headers=app.bearer())


def _create_draft(app: Running) -> httpx.Response:
    return app.client.post("/api/drafts", json={"content": {"id": "a_flow"}}, headers=app.bearer())


# each request, the table it cannot do without, and its status once the table is back
REQUESTS: dict[str, tuple[Call, str, int]] = {
    "sign in": (_login, "users", 200),
    "bearer token": (_by_token, "api_tokens", 200),
    "session cookie": (_by_session, "user_sessions", 200),
    "list drafts": (_list_drafts, "drafts", 200),
    "create a draft": (_create_draft, "drafts", 201),
}


@contextmanager
def _table_gone(database_url: str, table: str) -> Iterator[str]:
    """`table` renamed by another connection while the app runs (a botched manual change); the reason the
    database gives for it. Put back afterwards (on PostgreSQL the schema is the test session's)."""
    other = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with other.begin() as connection:
        connection.exec_driver_sql(f'ALTER TABLE "{table}" RENAME TO "{table}_gone"')
    try:
        yield (f"no such table: {table}" if other.dialect.name == "sqlite"
               else f'relation "{table}" does not exist')
    finally:
        with other.begin() as connection:
            connection.exec_driver_sql(f'ALTER TABLE "{table}_gone" RENAME TO "{table}"')
        other.dispose()


def _refused(response: httpx.Response, reason: str) -> None:
    body = assert_problem(response, 503, "storage-error")
    assert body["detail"] == f"the database refused: {reason}"
    assert "Traceback" not in response.text
    assert "[SQL" not in response.text  # SQLAlchemy's text of the statement and its parameters


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_a_table_gone_under_the_running_app_is_a_503_with_the_reason(running: Running, name: str) -> None:
    call, table, ok = REQUESTS[name]
    with _table_gone(running.database_url, table) as reason:
        _refused(call(running), reason)
    assert call(running).status_code == ok  # the database usable again: no restart needed


@pytest.fixture
def locked_briefly(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    """An app on SQLite whose connections wait 0.2 s, not 30 s, for another process's write lock (the busy
    timeout is a constant of the storage layer, read when a connection opens), so a lock held longer is met
    in a test's time."""
    monkeypatch.setattr(storage.database, "BUSY_TIMEOUT_MS", 200)
    target = tmp_path / "statewright.db"
    target.write_bytes(sqlite_template.read_bytes())
    yield from _app(f"sqlite:///{target}", tmp_path)


# the requests that write (a sign-in records the attempt and the session): the others only read, and a read waits
# for no writer (test_api_reads_while_locked)
WRITING = ("create a draft", "sign in")


@pytest.mark.parametrize("name", WRITING)
def test_a_database_locked_by_another_process_is_a_503_with_the_reason(locked_briefly: Running, name: str) -> None:
    call, _, ok = REQUESTS[name]
    path = sa.make_url(locked_briefly.database_url).database
    assert path is not None
    with closing(sqlite3.connect(path, isolation_level=None)) as other:  # a backup, a long script: a writer
        other.execute("BEGIN EXCLUSIVE")
        _refused(call(locked_briefly), "database is locked")
        other.execute("ROLLBACK")
    assert call(locked_briefly).status_code == ok


def test_sign_ins_the_database_refused_do_not_count_against_the_user(running: Running) -> None:
    """A sign-in the database could not check is no failed password: six of them in a row (past the five
    failures that make the throttle wait) leave the user free to sign in once the database is back."""
    with _table_gone(running.database_url, "users") as reason:
        for _ in range(6):
            _refused(_login(running), reason)
    assert _login(running).status_code == 200
