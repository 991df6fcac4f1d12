"""/api/budget: the caller's tenant's monthly budget beside this month's spend. Every signed-in user reads their own
tenant's; only an admin sets or removes it, and only for their own tenant — no request reads or changes another
tenant's. A bad limit is a 400 problem, never a 500, and changes nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from designer_support import PASSWORD, TENANTS, Env, assert_problem, make_settings, username
from litestar.testing import TestClient

from designer.app import build_services, create_app
from designer.security.roles import ROLES
from engine.definition import Agent
from engine.runtime.actions import ActionRequest, ActionResult, Cost
from engine.runtime.budget_view import month_of
from engine.runtime.engine import Engine

CLOSER = Agent.model_validate({"id": "closer", "type": "bdr", "version": "1.0.0", "name": "Closer",
                               "policies": {"budget_limit": 0.3}})
FLOW: dict[str, Any] = {
    "id": "calls", "title": "Calls", "initial": "call",
    "states": {"call": {"type": "task", "action": "call_lead", "agent": "closer", "output": "call"},
               "won": {"type": "final"}, "lost": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "call", "trigger": "done", "dest": "won"},
                    {"source": "call", "trigger": "error", "dest": "lost"}],
}
NO_BUDGET = {"monthly_limit": None, "remaining": None, "ratio": None, "threshold_passed": False}


def _paid(request: ActionRequest) -> ActionResult:
    return ActionResult({"booked": True}, cost=Cost(0.30, tokens=1000, model="gpt-4o-mini"))


def _env(settings_folder: Path, **overrides: Any) -> Iterator[Env]:
    settings = make_settings(settings_folder, workers=0, **overrides)
    services = build_services(settings)
    tokens: dict[tuple[str, str], str] = {}
    for tenant in TENANTS:
        for role in ROLES:
            services.accounts.add_user(username(role, tenant), PASSWORD, roles=[role], tenant=tenant)
            outcome = services.accounts.login(username(role, tenant), PASSWORD)
            tokens[(tenant, role)] = services.accounts.create_token(outcome.principal, "tests").token
            services.accounts.logout(outcome.session_id)
    with TestClient(create_app(settings, services=services)) as client:
        yield Env(app=client.app, client=client, services=services, tokens=tokens)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    yield from _env(tmp_path_factory.mktemp("budgets"))


@pytest.fixture
def backend(tmp_path: Path, database_url: str) -> Iterator[Env]:
    """The designer on each database (SQLite and PostgreSQL)."""
    yield from _env(tmp_path, database_url=database_url, deploy_shipped=False)


def _run(engine: Engine, tenant: str) -> str:
    run = engine.start("calls", {}, tenant=tenant)
    engine.run_until_idle()
    return engine.get(run.id).state


def test_an_admin_sets_their_tenants_budget_the_engine_enforces_it_and_every_role_reads_it(backend: Env) -> None:
    engine = backend.services.engine
    engine.register("call_lead", _paid)  # the designer's engine checks a flow's actions against its handlers
    engine.deploy_agent(CLOSER)
    engine.deploy(FLOW)
    put = backend.call("PUT", "/api/budget", "admin", json={"monthly_limit": 0.65})
    assert put.status_code == 200, put.text
    assert put.json() == {"tenant": "acme", "month": month_of(time.time()), "monthly_limit": 0.65, "spent": 0.0,
                          "remaining": 0.65, "ratio": 0.0, "threshold": 0.9, "threshold_passed": False,
                          "threshold_event_published": False}
    assert [_run(engine, "acme") for _ in range(3)] == ["won", "won", "lost"]  # 0.05 left cannot cover 0.3
    (lost,) = engine.list_instances(tenant="acme", state="lost")
    assert engine.history(lost.id)[-1].payload["kind"] == "budget_exceeded"
    assert _run(engine, "globex") == "won"  # globex has no budget: acme's does not limit it

    for role in ROLES:  # every role of acme reads acme's, with its spend
        read = backend.call("GET", "/api/budget", role)
        assert read.status_code == 200, read.text
        body = read.json()
        assert (body["tenant"], body["monthly_limit"], body["spent"]) == ("acme", 0.65, pytest.approx(0.6))
        assert body["ratio"] == pytest.approx(0.6 / 0.65)
        assert (body["threshold_passed"], body["threshold_event_published"]) == (True, True)
    theirs = backend.call("GET", "/api/budget", "admin", tenant="globex").json()
    assert theirs == {**theirs, **NO_BUDGET, "tenant": "globex"}
    assert theirs["spent"] == pytest.approx(0.3)

    raised = backend.call("PUT", "/api/budget", "admin", json={"monthly_limit": 10})
    assert (raised.json()["monthly_limit"], raised.json()["threshold_passed"]) == (10.0, False)
    assert _run(engine, "acme") == "won"
    assert backend.call("DELETE", "/api/budget", "admin").status_code == 204
    removed = backend.call("GET", "/api/budget", "viewer").json()
    assert removed == {**removed, **NO_BUDGET}
    assert engine.budget("acme")["set"] is False
    assert_problem(backend.call("DELETE", "/api/budget", "admin"), 404, "not-found")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_only_an_admin_sets_or_removes_the_budget(env: Env, role: str) -> None:
    assert env.call("PUT", "/api/budget", "admin", json={"monthly_limit": 100}).status_code == 200
    for method, body in (("PUT", {"monthly_limit": 5}), ("DELETE", None)):
        refused = env.call(method, "/api/budget", role, **({"json": body} if body else {}))
        assert "'admin' permission" in assert_problem(refused, 403, "forbidden")["detail"]
    assert env.services.engine.budget("acme")["limit"] == 100.0


def test_an_admin_changes_only_their_own_tenants_budget(env: Env) -> None:
    assert env.call("PUT", "/api/budget", "admin", json={"monthly_limit": 100}).status_code == 200
    theirs = env.call("PUT", "/api/budget", "admin", tenant="globex", json={"monthly_limit": 7})
    assert (theirs.json()["tenant"], theirs.json()["monthly_limit"]) == ("globex", 7.0)
    assert env.call("GET", "/api/budget", "viewer").json()["monthly_limit"] == 100.0
    assert env.call("DELETE", "/api/budget", "admin", tenant="globex").status_code == 204
    assert env.services.engine.budget("acme")["limit"] == 100.0
    assert env.services.engine.budget("globex")["set"] is False
    # no tenant can be named: not in the path, the query or the body
    assert_problem(env.call("GET", "/api/budget", "admin", tenant="globex", params={"tenant": "acme"}), 400)
    assert_problem(env.call("PUT", "/api/budget/acme", "admin", tenant="globex", json={"monthly_limit": 1}), 404)
    assert_problem(env.call("PUT", "/api/budget", "admin", tenant="globex",
                            json={"monthly_limit": 1, "tenant": "acme"}), 400)
    assert env.services.engine.budget("acme")["limit"] == 100.0


def test_signing_in_is_needed_to_read_it(env: Env) -> None:
    env.client.cookies.clear()
    assert_problem(env.client.get("/api/budget"), 401, "unauthenticated")


@pytest.mark.parametrize("body", [
    {"monthly_limit": -1}, {"monthly_limit": 0}, {"monthly_limit": 1e10}, {"monthly_limit": "100"},
    {"monthly_limit": True}, {"monthly_limit": None}, {}, {"monthly_limit": 5, "currency": "EUR"}, [5], 5,
], ids=["negative", "zero", "huge", "string", "boolean", "null", "missing", "unknown-field", "array", "number"])
def test_a_bad_limit_is_a_400_and_changes_nothing(env: Env, body: object) -> None:
    assert env.call("PUT", "/api/budget", "admin", json={"monthly_limit": 100}).status_code == 200
    assert_problem(env.call("PUT", "/api/budget", "admin", json=body), 400, "bad-request")
    assert env.services.engine.budget("acme")["limit"] == 100.0


@pytest.mark.parametrize("text", ['{"monthly_limit": NaN}', '{"monthly_limit": Infinity}',
                                  '{"monthly_limit": 1e999}', '{"monthly_limit": 5', ""])
def test_a_limit_json_cannot_hold_is_a_400_and_changes_nothing(env: Env, text: str) -> None:
    assert env.call("PUT", "/api/budget", "admin", json={"monthly_limit": 100}).status_code == 200
    response = env.call("PUT", "/api/budget", "admin", content=text, headers={"Content-Type": "application/json"})
    assert_problem(response, 400, "bad-request")
    assert env.services.engine.budget("acme")["limit"] == 100.0
