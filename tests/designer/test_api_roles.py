"""Every endpoint by every role: allowed roles get the endpoint's success status, the others a 403 problem.

Each case builds its own request (creating whatever it acts on), so that an allowed call and a refused one are
judged on the same footing and a delete by one role does not disturb the next.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from designer_support import CHARGE_FLOW, MINIMAL_WORKFLOW, SEND_FLOW, Env, assert_problem

from designer.security.roles import ROLE_PERMISSIONS, ROLES, Permission
from engine.runtime.actions import ActionError, ActionRequest

Request = tuple[str, Any]  # (path, JSON body or None)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    permission: Permission
    success: int
    build: Callable[[Env], Request]


def _draft(env: Env) -> str:
    response = env.call("POST", "/api/drafts", "admin", json={"content": MINIMAL_WORKFLOW})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture(scope="module", autouse=True)
def deployed(env: Env) -> None:
    env.services.engine.register("charge_card", _declined)
    for flow in (MINIMAL_WORKFLOW, SEND_FLOW, CHARGE_FLOW):
        draft = env.call("POST", "/api/drafts", "admin", json={"content": flow}).json()
        assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "admin").status_code == 201


def _instance(env: Env, workflow: str = "tiny_flow") -> str:
    response = env.call("POST", "/api/instances", "admin", json={"workflow_id": workflow, "context": {}})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _declined(request: ActionRequest) -> None:
    raise ActionError("declined", "the card was declined", retryable=False)


def _failed_instance(env: Env) -> str:
    instance = _instance(env, "charge_flow")
    env.services.engine.run_until_idle()
    return instance


def _approval(env: Env) -> int:
    instance = env.call("GET", f"/api/instances/{_instance(env)}", "admin").json()
    return int(instance["pending_approvals"][0]["id"])


def _newer_version(env: Env) -> int:
    """tiny_flow published once more (the same content): the version its instances can migrate to."""
    draft = _draft(env)
    published = env.call("POST", f"/api/drafts/{draft}/publish", "admin", json={"confirm_replace": True})
    assert published.status_code == 201, published.text
    return int(published.json()["version"])


def _token(env: Env, role: str) -> str:
    return str(env.call("POST", "/api/auth/tokens", role, json={"name": "matrix"}).json()["id"])


CASES: list[Case] = [
    Case("me", "GET", "read", 200, lambda env: ("/api/auth/me", None)),
    Case("list tokens", "GET", "read", 200, lambda env: ("/api/auth/tokens", None)),
    Case("create token", "POST", "read", 201, lambda env: ("/api/auth/tokens", {"name": "m"})),
    Case("list drafts", "GET", "read", 200, lambda env: ("/api/drafts", None)),
    Case("read draft", "GET", "read", 200, lambda env: (f"/api/drafts/{_draft(env)}", None)),
    Case("create draft", "POST", "edit_drafts", 201, lambda env: ("/api/drafts", {"content": MINIMAL_WORKFLOW})),
    Case(
        "save draft",
        "PUT",
        "edit_drafts",
        200,
        lambda env: (f"/api/drafts/{_draft(env)}", {"content": copy.deepcopy(MINIMAL_WORKFLOW)}),
    ),
    Case("delete draft", "DELETE", "edit_drafts", 204, lambda env: (f"/api/drafts/{_draft(env)}", None)),
    Case("validate draft", "POST", "read", 200, lambda env: (f"/api/drafts/{_draft(env)}/validate", None)),
    Case("draft diagram", "GET", "read", 200, lambda env: (f"/api/drafts/{_draft(env)}/diagram?format=dot", None)),
    Case("validate", "POST", "read", 200, lambda env: ("/api/validate", {"definition": MINIMAL_WORKFLOW})),
    Case("analyze", "POST", "read", 200, lambda env: ("/api/analyze", {"definition": MINIMAL_WORKFLOW})),
    Case("paths", "POST", "read", 200, lambda env: ("/api/paths", {"definition": MINIMAL_WORKFLOW})),
    Case("version paths", "GET", "read", 200, lambda env: ("/api/definitions/tiny_flow/paths", None)),
    Case("render", "POST", "read", 200, lambda env: ("/api/render?format=mermaid", {"definition": MINIMAL_WORKFLOW})),
    Case(  # tiny_flow is published by then, and these drafts start it anew: so the replacement is confirmed
        "publish draft",
        "POST",
        "publish",
        201,
        lambda env: (f"/api/drafts/{_draft(env)}/publish", {"confirm_replace": True}),
    ),
    Case("list definitions", "GET", "read", 200, lambda env: ("/api/definitions", None)),
    Case("read definition", "GET", "read", 200, lambda env: ("/api/definitions/tiny_flow", None)),
    Case("list versions", "GET", "read", 200, lambda env: ("/api/definitions/tiny_flow/versions", None)),
    Case("read version", "GET", "read", 200, lambda env: ("/api/definitions/tiny_flow/versions/1", None)),
    Case("diff", "GET", "read", 200, lambda env: ("/api/definitions/tiny_flow/diff?from=1&to=1", None)),
    Case("diagram", "GET", "read", 200, lambda env: ("/api/definitions/tiny_flow/diagram?format=dot", None)),
    Case("layout", "GET", "read", 200, lambda env: ("/api/definitions/tiny_flow/layout", None)),
    Case("draft layout", "GET", "read", 200, lambda env: (f"/api/drafts/{_draft(env)}/layout", None)),
    Case("layout of content", "POST", "read", 200, lambda env: ("/api/layout", {"definition": MINIMAL_WORKFLOW})),
    Case("simulate", "POST", "read", 200, lambda env: ("/api/simulate", {"workflow_id": "tiny_flow"})),
    Case("play a path", "POST", "read", 200, lambda env: (
        "/api/simulate/path", {"workflow_id": "tiny_flow", "route": [{"state": "review", "transition": 0}]})),
    Case(
        "start instance",
        "POST",
        "operate",
        201,
        lambda env: ("/api/instances", {"workflow_id": "tiny_flow", "context": {}}),
    ),
    Case("list instances", "GET", "read", 200, lambda env: ("/api/instances", None)),
    Case("read instance", "GET", "read", 200, lambda env: (f"/api/instances/{_instance(env)}", None)),
    Case("history", "GET", "read", 200, lambda env: (f"/api/instances/{_instance(env)}/history", None)),
    Case(
        "send event",
        "POST",
        "operate",
        200,
        lambda env: (f"/api/instances/{_instance(env, 'send_flow')}/events", {"event": "close"}),
    ),
    Case("cancel", "POST", "operate", 200, lambda env: (f"/api/instances/{_instance(env)}/cancel", None)),
    Case("redrive", "POST", "operate", 200, lambda env: (f"/api/instances/{_failed_instance(env)}/redrive", None)),
    Case("migration preview", "GET", "read", 200,
         lambda env: (f"/api/definitions/tiny_flow/migration?from=1&to={_newer_version(env)}", None)),
    Case("draft migration preview", "GET", "read", 200, lambda env: (f"/api/drafts/{_draft(env)}/migration", None)),
    Case("migrate", "POST", "publish", 200, lambda env: (
        "/api/definitions/tiny_flow/migration", {"from_version": 1, "to_version": _newer_version(env)})),
    Case("inbox", "GET", "read", 200, lambda env: ("/api/approvals", None)),
    Case("decisions", "GET", "read", 200, lambda env: ("/api/approvals/decisions", None)),
    Case("read approval", "GET", "read", 200, lambda env: (f"/api/approvals/{_approval(env)}", None)),
    Case(
        "decide",
        "POST",
        "decide",
        200,
        lambda env: (f"/api/approvals/{_approval(env)}/decision", {"decision": "approve", "comment": "ok"}),
    ),
    Case("publish event", "POST", "operate", 202, lambda env: ("/api/events", {"type": "ping", "payload": {}})),
    Case("metrics", "GET", "read", 200, lambda env: ("/api/metrics", None)),
    Case("prometheus", "GET", "read", 200, lambda env: ("/metrics", None)),
    Case("list users", "GET", "admin", 200, lambda env: ("/api/users", None)),
    Case("read user", "GET", "admin", 200, lambda env: ("/api/users/viewer-acme", None)),
    Case(
        "create user",
        "POST",
        "admin",
        201,
        lambda env: ("/api/users", {"username": f"matrix-{_seq()}", "password": "long enough pw", "roles": ["viewer"]}),
    ),
    Case("update user", "PATCH", "admin", 200, lambda env: ("/api/users/viewer-acme", {"display_name": "V"})),
]

_counter = iter(range(1_000_000))


def _seq() -> int:
    return next(_counter)


def _allowed(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]  # type: ignore[index]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_endpoint_by_role(env: Env, case: Case, role: str) -> None:
    path, body = case.build(env)
    response = env.call(case.method, path, role, json=body) if body is not None else env.call(case.method, path, role)
    if _allowed(role, case.permission):
        assert response.status_code == case.success, response.text
    else:
        assert_problem(response, 403, "forbidden")


def test_token_revocation_is_allowed_to_every_role_for_their_own_tokens(env: Env) -> None:
    for role in ROLES:
        token_id = _token(env, role)
        assert env.call("DELETE", f"/api/auth/tokens/{token_id}", role).status_code == 204
