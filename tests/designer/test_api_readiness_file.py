"""`GET /api/ready` on SQLite answers 503 once the database file the server opened is deleted or replaced: the
database still answers (the server keeps the deleted file open), but every write since goes where nobody will read
it — a load balancer must stop sending traffic, and the detail says why."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from designer_support import assert_problem
from litestar import Litestar
from litestar.testing import TestClient

from designer.app import create_app
from designer.settings import Settings


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient[Litestar], Path]]:
    path = tmp_path / "ready.db"
    with TestClient(create_app(Settings(database_url=f"sqlite:///{path}", workers=0,
                                        deploy_shipped=False))) as client:
        assert client.get("/api/ready").status_code == 200
        yield client, path


def test_ready_says_503_once_the_database_file_is_deleted(served: tuple[TestClient[Litestar], Path]) -> None:
    client, path = served
    path.unlink()
    problem = assert_problem(client.get("/api/ready"), 503, "storage-error")
    assert problem["detail"].startswith(f"the database file {path} was deleted while this process had it open")
    assert client.get("/api/health").status_code == 200  # alive, not ready


def test_ready_says_503_once_the_database_file_is_replaced(served: tuple[TestClient[Litestar], Path],
                                                           tmp_path: Path) -> None:
    client, path = served
    shutil.copyfile(path, tmp_path / "restored.db")
    (tmp_path / "restored.db").replace(path)
    problem = assert_problem(client.get("/api/ready"), 503, "storage-error")
    assert problem["detail"].startswith(f"the database file {path} was replaced by another file")
