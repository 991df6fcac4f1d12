"""Web hardening: Secure cookies when asked or over TLS, the security headers on the UI and the API, and
HEAD answered like GET."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from designer_support import PASSWORD, Env, make_settings, username
from litestar import Litestar
from litestar.testing import TestClient

from designer import _serve
from designer.app import build_services, create_app
from designer.settings import Settings


def _set_cookies(client: TestClient[Litestar]) -> dict[str, str]:
    response = client.post("/api/auth/login", json={"username": username("viewer"), "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}


def test_cookies_are_not_secure_over_plain_http_by_default(env: Env) -> None:
    env.client.cookies.clear()
    cookies = _set_cookies(env.client)
    assert "secure" not in cookies["sw_session"]


def test_cookies_are_secure_when_the_request_came_over_tls(env: Env) -> None:
    with TestClient(env.app, base_url="https://designer.example") as client:
        cookies = _set_cookies(client)
    assert "; secure" in cookies["sw_session"]
    assert "; secure" in cookies["sw_csrf"]


def test_secure_cookies_setting_marks_them_secure_even_over_http(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, workers=0, secure_cookies=True, deploy_shipped=False)
    services = build_services(settings)
    services.accounts.add_user(username("viewer"), PASSWORD, roles=["viewer"], tenant="acme")
    try:
        with TestClient(create_app(settings, services=services)) as client:
            cookies = _set_cookies(client)
        assert "; secure" in cookies["sw_session"]
    finally:
        services.close()


def test_serve_has_a_secure_cookies_option(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def run(server: uvicorn.Server, **_: Any) -> None:  # the app it would serve, not served
        app = server.config.app
        assert isinstance(app, Litestar)
        seen["settings"] = app.state["settings"]
        server.started = True

    monkeypatch.setattr(_serve.uvicorn.Server, "run", run)
    _serve.serve(db=f"sqlite:///{tmp_path / 's.db'}", port=0, workers=0, secure_cookies=True)
    settings: Settings = seen["settings"]
    assert settings.secure_cookies is True


@pytest.mark.parametrize("path", ["/", "/instances/deep/link", "/assets/app.js", "/api/health", "/api/nothing"])
def test_every_response_carries_the_security_headers(env: Env, path: str) -> None:
    env.client.cookies.clear()
    response = env.client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-eval" not in policy


def test_head_answers_like_get_without_a_body(env: Env) -> None:
    env.client.cookies.clear()
    for path in ("/", "/api/health", "/assets/app.js"):
        got = env.client.get(path)
        head = env.client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
    listed = env.call("HEAD", "/api/definitions", "viewer")
    assert listed.status_code == 200
    assert listed.content == b""
