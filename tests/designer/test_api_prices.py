"""/api/prices: the model prices an admin of the deployment's tenant sets; other tenants' admins may read them,
no one else may touch them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from designer_support import PASSWORD, TENANTS, Env, assert_problem, make_settings, username
from litestar.testing import TestClient

from designer.app import build_services, create_app
from designer.security.roles import ROLES

LLAMA = {"provider": "vllm", "model": "meta-llama/Llama-3.1-70B-Instruct", "prompt_per_million": 0.6,
         "completion_per_million": 0.8}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """The deployment's own tenant is 'acme'; 'globex' is another tenant of it."""
    settings = make_settings(Path(tmp_path_factory.mktemp("prices")), workers=0, default_tenant="acme")
    services = build_services(settings)
    tokens: dict[tuple[str, str], str] = {}
    for tenant in TENANTS:
        for role in ("viewer", "publisher", "admin"):
            assert role in ROLES
            services.accounts.add_user(username(role, tenant), PASSWORD, roles=[role], tenant=tenant)
            outcome = services.accounts.login(username(role, tenant), PASSWORD)
            tokens[(tenant, role)] = services.accounts.create_token(outcome.principal, "tests").token
            services.accounts.logout(outcome.session_id)
    with TestClient(create_app(settings, services=services)) as client:
        yield Env(app=client.app, client=client, services=services, tokens=tokens)


def test_an_admin_sets_replaces_lists_and_removes_a_price(env: Env) -> None:
    put = env.call("PUT", "/api/prices", "admin", json=LLAMA)
    assert put.status_code == 200, put.text
    assert put.json() | {"updated_at": 0} == {**LLAMA, "updated_by": "admin-acme", "updated_at": 0}
    again = env.call("PUT", "/api/prices", "admin", json={**LLAMA, "prompt_per_million": 0.5})
    assert again.json()["prompt_per_million"] == 0.5
    any_provider = env.call("PUT", "/api/prices", "admin", json={"model": "llama-3.1-70b", "prompt_per_million": 1,
                                                                  "completion_per_million": 2})
    assert any_provider.json()["provider"] == "*"
    listed = env.call("GET", "/api/prices", "admin", tenant="globex").json()  # any tenant's admin reads them
    assert [(p["provider"], p["model"], p["prompt_per_million"]) for p in listed] == [
        ("*", "llama-3.1-70b", 1.0), ("vllm", LLAMA["model"], 0.5)]
    assert env.services.engine.model_prices()[1].prompt_per_million == 0.5  # what the executors read
    gone = env.call("DELETE", "/api/prices", "admin", params={"provider": "vllm", "model": LLAMA["model"]})
    assert gone.status_code == 204
    missing = env.call("DELETE", "/api/prices", "admin", params={"provider": "vllm", "model": LLAMA["model"]})
    assert_problem(missing, 404)
    assert env.call("DELETE", "/api/prices", "admin", params={"model": "llama-3.1-70b"}).status_code == 204
    assert env.call("GET", "/api/prices", "admin").json() == []


@pytest.mark.parametrize(("method", "role", "tenant"), [
    ("GET", "viewer", "acme"), ("PUT", "publisher", "acme"), ("DELETE", "publisher", "acme"),
    ("PUT", "admin", "globex"), ("DELETE", "admin", "globex"),
])
def test_only_the_deployments_admins_change_prices(env: Env, method: str, role: str, tenant: str) -> None:
    kwargs = {"json": LLAMA} if method == "PUT" else {"params": {"model": "x"}} if method == "DELETE" else {}
    response = env.call(method, "/api/prices", role, tenant=tenant, **kwargs)
    body = assert_problem(response, 403)
    if role == "admin":
        assert "only an admin of the deployment's tenant 'acme'" in body["detail"]
    assert env.services.engine.model_prices() == []


@pytest.mark.parametrize("body", [
    {**LLAMA, "prompt_per_million": -0.1}, {**LLAMA, "completion_per_million": 1e9},
    {**LLAMA, "currency": "EUR"}, {"model": "m", "prompt_per_million": 1}, {**LLAMA, "provider": "open ai"},
    {**LLAMA, "model": " padded"}, {**LLAMA, "prompt_per_million": "cheap"},
])
def test_a_bad_price_is_a_400_naming_the_field(env: Env, body: dict[str, object]) -> None:
    response = env.call("PUT", "/api/prices", "admin", json=body)
    assert_problem(response, 400)
    assert env.services.engine.model_prices() == []
