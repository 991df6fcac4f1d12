"""U+0000 — in a draft's title, an idempotency key, a login name, an id in the path, a query — is a 422 naming
where it is, on SQLite and PostgreSQL alike; PostgreSQL's text cannot hold it, so it used to be a 500 there (and
stored on SQLite). What the request would have written is not written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from designer_support import PASSWORD, SEND_FLOW, assert_problem, make_settings
from litestar.testing import TestClient

from designer._services import Services
from designer.app import build_services, create_app


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient[Any], dict[str, str], Services]]:
    settings = make_settings(tmp_path, database_url=database_url, workers=0, deploy_shipped=False)
    services = build_services(settings)
    services.accounts.add_user("ada", PASSWORD, roles=["admin"], tenant="default")
    token = services.accounts.create_token(services.accounts.login("ada", PASSWORD).principal, "tests").token
    with TestClient(create_app(settings, services=services), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {token}"}, services


_REQUESTS: list[tuple[str, str, Any, str]] = [
    ("POST", "/api/drafts", {"content": {**SEND_FLOW, "title": "Close\u0000"}}, "body /content/title"),
    ("POST", "/api/instances", {"workflow_id": "send_flow", "idempotency_key": "k\u0000"}, "body /idempotency_key"),
    ("POST", "/api/instances", {"workflow_id": "send_flow", "context": {"a\u0000": 1}}, "body /context/a\\u0000"),
    ("POST", "/api/events", {"type": "paid", "correlation_key": "\u0000"}, "body /correlation_key"),
    ("POST", "/api/auth/tokens", {"name": "ci\u0000"}, "body /name"),
    ("POST", "/api/auth/login", {"username": "ada\u0000", "password": PASSWORD}, "body /username"),
    ("GET", "/api/instances/a%00b", None, "path /api/instances/a\\u0000b"),
    ("GET", "/api/drafts/a%00b", None, "path /api/drafts/a\\u0000b"),
    ("GET", "/api/drafts?workflow=a%00", None, "query workflow"),
]


def test_nul_is_refused_where_it_is(served: tuple[TestClient[Any], dict[str, str], Services]) -> None:
    client, headers, services = served
    services.engine.deploy(SEND_FLOW)
    for method, path, body, where in _REQUESTS:
        problem = assert_problem(client.request(method, path, json=body, headers=headers), 422, "invalid-input")
        assert f"{where}: holds U+0000" in problem["detail"], (method, path)
    assert client.get("/api/drafts", headers=headers).json()["total"] == 0
    assert client.get("/api/instances", headers=headers).json()["total"] == 0
    title = "a \\u0000 is not NUL; 😀 is a pair"
    saved = client.post("/api/drafts", json={"content": {**SEND_FLOW, "title": title}}, headers=headers)
    assert saved.status_code == 201, saved.text
    assert client.get(f"/api/drafts/{saved.json()['id']}", headers=headers).json()["title"] == title
    checked = client.post("/api/validate", json={"definition": {**SEND_FLOW, "title": "\u0000"}}, headers=headers)
    report = checked.json()  # the checks store nothing: any JSON gets its report, which says it cannot be deployed
    assert checked.status_code == 200, checked.text
    assert report["valid"] is False
    assert [(f["code"], f["pointer"]) for f in report["findings"]] == [("nul-character", "/title")]


def test_a_lone_surrogate_is_named_by_its_pointer(served: tuple[TestClient[Any], dict[str, str], Services]) -> None:
    client, headers, _ = served
    body = b'{"content": {"id": "x", "states": {"a": {"title": "\\ud800"}}}}'
    refused = client.post("/api/drafts", content=body, headers={**headers, "content-type": "application/json"})
    problem = assert_problem(refused, 422, "invalid-input")
    assert "body /content/states/a/title: holds a lone UTF-16 surrogate" in problem["detail"]
