"""Fixtures for the designer tests: a real app on a real SQLite file, one user per role in two tenants.

Each test module gets its own database and app (module scope keeps argon2 hashing and start-up off the per-test
path); identities are switched per request with bearer tokens, and cookie sessions are used where the cookie
path itself is under test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from designer_support import PASSWORD, TENANTS, Env, make_settings, username
from litestar.testing import TestClient

from designer.app import build_services, create_app
from designer.security.roles import ROLES


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    settings = make_settings(tmp_path_factory.mktemp("designer"), workers=0)
    services = build_services(settings)
    tokens: dict[tuple[str, str], str] = {}
    for tenant in TENANTS:
        for role in ROLES:
            approver_roles = ["sales_manager"] if tenant == "acme" else ["finance"]
            services.accounts.add_user(
                username(role, tenant), PASSWORD, roles=[role], tenant=tenant, approver_roles=approver_roles
            )
            outcome = services.accounts.login(username(role, tenant), PASSWORD)
            tokens[(tenant, role)] = services.accounts.create_token(outcome.principal, "tests").token
            services.accounts.logout(outcome.session_id)
    app = create_app(settings, services=services)
    with TestClient(app) as client:
        yield Env(app=app, client=client, services=services, tokens=tokens)
