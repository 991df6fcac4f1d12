"""Bodies the API used to take without acting on them are refused, saying why, and change nothing: a body sent to
an endpoint that takes none (validating a saved draft validated the draft, not what was sent), a null for a user's
field that cannot be null (answered 200, nothing changed); and a misspelt field is heard of before a character
the database cannot store, as the client's own bug that the document names."""

from __future__ import annotations

from typing import Any

import pytest
from designer_support import MINIMAL_WORKFLOW, PASSWORD, Env, assert_problem, login, username


def _draft(env: Env) -> str:
    created = env.call("POST", "/api/drafts", "analyst", json={"content": {**MINIMAL_WORKFLOW, "initial": "nowhere"}})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def test_validating_a_saved_draft_refuses_a_body_and_says_what_it_validates(env: Env) -> None:
    draft = _draft(env)  # saved with an error: its initial state does not exist
    sent = env.call("POST", f"/api/drafts/{draft}/validate", "viewer", json={"definition": MINIMAL_WORKFLOW})
    problem = assert_problem(sent, 400, "bad-request")
    message = problem["errors"][0]["message"]
    assert message.startswith("this endpoint takes no body: send the request without one — it validates the draft "
                              "as saved; to validate content not saved yet, POST it to /api/validate")
    assert problem["errors"][0]["source"] == "body"
    saved = env.call("POST", f"/api/drafts/{draft}/validate", "viewer")
    assert saved.status_code == 200
    assert saved.json()["valid"] is False  # the saved draft's report: what the refused body would have hidden


@pytest.mark.parametrize("nothing", [b"", b"  \n", b"{}", b"{ }\n"])
def test_an_empty_body_is_no_body(env: Env, nothing: bytes) -> None:
    response = env.call("POST", f"/api/drafts/{_draft(env)}/validate", "viewer", content=nothing,
                        headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text


def test_a_refused_body_loses_nothing(env: Env) -> None:
    """Logout takes no body either: refused, the session it would have ended still works."""
    csrf = login(env.client, username("viewer"))
    refused = env.client.post("/api/auth/logout", json={"everywhere": True}, headers={"X-CSRF-Token": csrf})
    assert "this endpoint takes no body" in assert_problem(refused, 400, "bad-request")["detail"]
    assert env.client.get("/api/auth/me").status_code == 200


_UNKNOWN_BEFORE_NUL: list[tuple[str, dict[str, Any], str]] = [
    ("/api/users", {"username": "nul\u0000", "password": PASSWORD, "roles": ["viewer"], "rolse": ["admin"]}, "rolse"),
    ("/api/drafts", {"content": {"title": "\u0000"}, "base_versoin": 1}, "base_versoin"),
    ("/api/auth/tokens", {"name": "ci\u0000", "expires_in": 30}, "expires_in"),
]


@pytest.mark.parametrize(("path", "body", "unknown"), _UNKNOWN_BEFORE_NUL)
def test_an_unknown_field_is_heard_of_before_a_nul(env: Env, path: str, body: dict[str, Any], unknown: str) -> None:
    problem = assert_problem(env.call("POST", path, "admin", json=body), 400, "bad-request")
    assert problem["errors"] == [{"message": "Extra inputs are not permitted", "key": unknown, "source": "body"}]
    without = {key: value for key, value in body.items() if key != unknown}
    assert "holds U+0000" in assert_problem(env.call("POST", path, "admin", json=without), 422, "invalid-input")[
        "detail"]


def test_nothing_of_a_refused_body_is_stored(env: Env) -> None:
    users = env.call("GET", "/api/users", "admin").json()["total"]
    env.call("POST", "/api/users", "admin", json=_UNKNOWN_BEFORE_NUL[0][1])
    assert env.call("GET", "/api/users", "admin").json()["total"] == users


@pytest.mark.parametrize("field", ["password", "roles", "approver_roles", "disabled"])
def test_a_null_for_a_field_every_user_has_is_a_422_naming_it(env: Env, field: str) -> None:
    env.services.accounts.add_user(f"nulled-{field}", PASSWORD, roles=["analyst"], tenant="acme",
                                   approver_roles=["finance"])
    response = env.call("PATCH", f"/api/users/nulled-{field}", "admin", json={field: None, "display_name": "N"})
    problem = assert_problem(response, 422, "invalid-input")
    assert problem["detail"].startswith(f"body /{field}: null is no value for this field")
    kept = env.call("GET", f"/api/users/nulled-{field}", "admin").json()
    assert (kept["roles"], kept["approver_roles"], kept["disabled"], kept["display_name"]) == (
        ["analyst"], ["finance"], False, None)  # nothing of the request was done


def test_every_null_field_is_named(env: Env) -> None:
    response = env.call("PATCH", f"/api/users/{username('viewer')}", "admin", json={"roles": None, "disabled": None})
    assert assert_problem(response, 422, "invalid-input")["detail"].startswith(
        "body /roles, /disabled: null is no value for these fields")


def test_a_null_display_name_removes_it_and_a_field_left_out_is_kept(env: Env) -> None:
    env.services.accounts.add_user("named", PASSWORD, roles=["viewer"], tenant="acme", display_name="Ada Lovelace")
    kept = env.call("PATCH", "/api/users/named", "admin", json={"approver_roles": ["finance"]})
    assert kept.json()["display_name"] == "Ada Lovelace"
    removed = env.call("PATCH", "/api/users/named", "admin", json={"display_name": None})
    assert removed.status_code == 200, removed.text
    assert removed.json()["display_name"] is None
    assert env.call("GET", "/api/users/named", "admin").json()["display_name"] is None
