"""`GET /api/ready` on SQLite answers 503 once the database file the server opened is deleted or replaced: the
database still answers (the server keeps the deleted file open), but every write since goes where nobody will read
it — a load balancer must stop sending traffic. The detail says the database check failed; why, with the file's
path, is for the operator: the server's log says it, under the request id the detail names."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from designer_support import PASSWORD, assert_problem, login, make_settings
from litestar import Litestar
from litestar.testing import TestClient

from designer.app import build_services, create_app
from designer.settings import Settings
from storage.transaction import FILE_LOOK_S

FLOW = {"id": "flow", "title": "Flow", "initial": "work",  # no worker runs it: a start leaves its job queued
        "states": {"work": {"type": "task", "action": "work"}, "done": {"type": "final"}},
        "transitions": [{"source": "work", "trigger": "done", "dest": "done"}]}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient[Litestar], Path]]:
    path = tmp_path / "ready.db"
    with TestClient(create_app(Settings(database_url=f"sqlite:///{path}", workers=0,
                                        deploy_shipped=False))) as client:
        assert client.get("/api/ready").status_code == 200
        yield client, path


def test_ready_says_503_once_the_database_file_is_deleted(served: tuple[TestClient[Litestar], Path],
                                                          caplog: pytest.LogCaptureFixture) -> None:
    client, path = served
    path.unlink()
    with caplog.at_level(logging.ERROR, logger="statewright.designer"):
        answer = client.get("/api/ready", headers={"X-Request-ID": "lb-2"})
    problem = assert_problem(answer, 503, "storage-error")
    assert problem["detail"] == ("not ready: the database check failed; the server's log has the reason, under "
                                 "request id lb-2")
    assert path.name not in problem["detail"]
    assert f"the database file {path} was deleted while this process had it open" in caplog.text
    assert answer.headers["retry-after"] == "5"  # QA: a 503 storage-error said nothing of when to ask again
    assert client.get("/api/health").status_code == 200  # alive, not ready


def test_ready_says_503_once_the_database_file_is_replaced(served: tuple[TestClient[Litestar], Path],
                                                           tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    client, path = served
    shutil.copyfile(path, tmp_path / "restored.db")
    (tmp_path / "restored.db").replace(path)
    with caplog.at_level(logging.ERROR, logger="statewright.designer"):
        problem = assert_problem(client.get("/api/ready"), 503, "storage-error")
    assert problem["detail"].startswith("not ready: the database check failed; the server's log has the reason")
    assert path.name not in problem["detail"]
    assert f"the database file {path} was replaced by another file" in caplog.text


def test_a_start_after_the_database_file_is_deleted_is_503_not_201(tmp_path: Path) -> None:
    """Not only readiness: a start into the deleted file would answer 201 for an instance nobody will find."""
    path = tmp_path / "starts.db"
    settings = make_settings(tmp_path, database_url=f"sqlite:///{path}", workers=0, deploy_shipped=False)
    services = build_services(settings)
    services.accounts.add_user("ada", PASSWORD, roles=["admin"], tenant="default")
    services.engine.register("work", lambda request: {})  # registered, never run: no worker here (workers=0)
    services.engine.deploy(FLOW)
    with TestClient(create_app(settings, services=services)) as client:
        csrf = login(client, "ada")
        assert client.post("/api/instances", json={"workflow_id": "flow", "context": {}},
                           headers={"X-CSRF-Token": csrf}).status_code == 201
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        time.sleep(FILE_LOOK_S)
        problem = assert_problem(client.post("/api/instances", json={"workflow_id": "flow", "context": {}},
                                             headers={"X-CSRF-Token": csrf}), 503, "storage-error")
        assert "was deleted while this process had it open" in problem["detail"]
