"""`GET /api/ready` asks the database: 200 while it answers, 503 `storage-error` while the server refuses
connections (a load balancer then sends the traffic elsewhere), 200 again once it takes them; `GET /api/health`
(liveness) answers 200 throughout. No credentials needed for either, so a 503 says which check failed and no more:
the database's reason — its host, its driver's words — is in the server's log, under the request's id."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from designer_support import assert_problem
from litestar.testing import TestClient
from postgres_roles import PostgresRole

from designer.app import create_app
from designer.settings import Settings


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextmanager
def _designer_errors() -> Iterator[list[str]]:
    """The designer's error lines meanwhile, on a handler of its logger: the app's logging configuration replaces
    the root logger's handlers (pytest's among them) when the app is made."""
    handler, designer = _Lines(), logging.getLogger("statewright.designer")
    designer.addHandler(handler)
    try:
        yield handler.lines
    finally:
        designer.removeHandler(handler)


def test_ready_on_sqlite(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'ready.db'}", workers=0,
                                        deploy_shipped=False))) as client:
        answer = client.get("/api/ready")
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "ready"
        assert_problem(client.get("/api/ready?deep=1"), 400)


@pytest.mark.postgres
def test_ready_says_503_while_the_database_refuses_connections(postgres_role: PostgresRole) -> None:
    app = create_app(Settings(database_url=postgres_role.url, workers=0, deploy_shipped=False))
    with TestClient(app) as client:
        assert client.get("/api/ready").status_code == 200
        postgres_role.limit(0)
        postgres_role.drop_connections()
        app.state["engine"].runtime.store._drop_idle()  # the idle connections died with the server's
        with _designer_errors() as logged:
            answer = client.get("/api/ready", headers={"X-Request-ID": "lb-1"})
        problem = assert_problem(answer, 503, "storage-error")
        assert problem["detail"] == ("not ready: the database check failed; the server's log has the reason, "
                                     "under request id lb-1")
        for leak in (str(sa.make_url(postgres_role.url).host), postgres_role.name, "too many connections"):
            assert leak not in problem["detail"]  # public: the host, the role and the driver's words are not
        assert any("too many connections" in line for line in logged)  # the reason, for the operator
        assert client.get("/api/health").status_code == 200  # alive, not ready
        postgres_role.limit(-1)
        assert client.get("/api/ready").status_code == 200



def test_ready_says_503_once_an_in_process_worker_stopped_by_itself(tmp_path: Path) -> None:
    """The server's worker thread ended though nobody asked it to (a worker loop that returned; its log says why):
    the server still answers, but no instance moves in it, so it is not ready — an orchestrator restarts it."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'ready.db'}", workers=1, deploy_shipped=False))
    ended = threading.Event()

    def loop_that_ends(*_args: object, **_kwargs: object) -> None:
        ended.set()

    app.state["engine"].run_worker = loop_that_ends  # what the worker threads run, from start-up on
    with TestClient(app) as client:
        assert ended.wait(5)
        deadline = time.monotonic() + 5
        while app.state["workers"].running and time.monotonic() < deadline:
            time.sleep(0.01)
        with _designer_errors() as logged:
            problem = assert_problem(client.get("/api/ready"), 503, "workers-stopped")
        assert problem["detail"].startswith("not ready: the workers check failed; the server's log has the reason")
        assert any("1 of the server's 1 in-process worker(s) stopped" in line for line in logged)
        assert client.get("/api/health").status_code == 200  # alive, not ready
