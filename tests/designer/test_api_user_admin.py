"""User administration keeps its promises (docs/api.md#users-and-tokens): a disabled user's tokens are revoked
for good, a tenant always keeps an enabled admin, usernames are one name whatever their case, and a password
is more than blanks."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from designer_support import PASSWORD, Env, assert_problem
from sqlmodel import Session

from designer.security.passwords import hash_password
from designer.store.accounts import UserRow


def _token(env: Env, user: str) -> dict[str, str]:
    outcome = env.services.accounts.login(user, PASSWORD)
    env.services.accounts.logout(outcome.session_id)
    return {"Authorization": f"Bearer {env.services.accounts.create_token(outcome.principal, 't').token}"}


def _as(env: Env, bearer: dict[str, str], method: str, path: str, **kwargs: Any) -> httpx.Response:
    env.client.cookies.clear()
    return env.client.request(method, path, headers=bearer, **kwargs)


def test_a_disabled_users_tokens_stay_revoked_when_the_user_is_enabled_again(env: Env) -> None:
    env.services.accounts.add_user("returner", PASSWORD, roles=["viewer"], tenant="acme")
    bearer = _token(env, "returner")
    assert _as(env, bearer, "GET", "/api/auth/me").status_code == 200
    assert env.call("PATCH", "/api/users/returner", "admin", json={"disabled": True}).status_code == 200
    assert_problem(_as(env, bearer, "GET", "/api/auth/me"), 401, "unauthenticated")
    enabled = env.call("PATCH", "/api/users/returner", "admin", json={"disabled": False})
    assert enabled.json()["disabled"] is False
    assert_problem(_as(env, bearer, "GET", "/api/auth/me"), 401, "unauthenticated")
    fresh = _token(env, "returner")  # they sign in again and make new ones
    assert _as(env, fresh, "GET", "/api/auth/tokens").json()["total"] == 1


@pytest.fixture(scope="module")
def solo(env: Env) -> dict[str, str]:
    """A tenant whose one enabled admin is `solo-admin` (and a disabled admin, who does not count)."""
    accounts = env.services.accounts
    accounts.add_user("solo-admin", PASSWORD, roles=["admin", "publisher"], tenant="solo")
    accounts.add_user("solo-gone", PASSWORD, roles=["admin"], tenant="solo")
    accounts.update_user("solo-gone", disabled=True)
    accounts.add_user("solo-viewer", PASSWORD, roles=["viewer"], tenant="solo")
    return _token(env, "solo-admin")


@pytest.mark.parametrize("change", [{"roles": ["viewer"]}, {"roles": ["publisher"]}, {"disabled": True},
                                    {"roles": ["viewer"], "disabled": True}])
def test_the_last_enabled_admin_of_a_tenant_cannot_be_demoted_or_disabled(
    env: Env, solo: dict[str, str], change: dict[str, Any]
) -> None:
    response = _as(env, solo, "PATCH", "/api/users/solo-admin", json=change)
    problem = assert_problem(response, 409, "last-admin")
    assert problem["detail"].startswith("'solo-admin' is the last enabled admin of tenant 'solo'")
    assert "make another user admin first" in problem["detail"]
    user = _as(env, solo, "GET", "/api/users/solo-admin").json()
    assert user["roles"] == ["admin", "publisher"]
    assert user["disabled"] is False


def test_the_last_admin_may_change_what_keeps_them_admin(env: Env, solo: dict[str, str]) -> None:
    kept = _as(env, solo, "PATCH", "/api/users/solo-admin",
               json={"roles": ["admin", "publisher"], "display_name": "Solo", "disabled": False})
    assert kept.status_code == 200, kept.text
    assert kept.json()["display_name"] == "Solo"


def test_with_another_enabled_admin_the_first_may_step_down(env: Env) -> None:
    accounts = env.services.accounts
    accounts.add_user("duo-a", PASSWORD, roles=["admin"], tenant="duo")
    accounts.add_user("duo-b", PASSWORD, roles=["admin"], tenant="duo")
    bearer = _token(env, "duo-a")
    assert _as(env, bearer, "PATCH", "/api/users/duo-b", json={"roles": ["viewer"]}).status_code == 200
    assert_problem(_as(env, bearer, "PATCH", "/api/users/duo-a", json={"disabled": True}), 409, "last-admin")
    assert _as(env, bearer, "PATCH", "/api/users/duo-b", json={"roles": ["admin"]}).status_code == 200
    assert _as(env, bearer, "PATCH", "/api/users/duo-a", json={"roles": ["viewer"]}).status_code == 200


def test_a_username_is_taken_in_every_case(env: Env) -> None:
    created = env.call("POST", "/api/users", "admin",
                       json={"username": "newbie", "password": "long enough pw", "roles": ["viewer"]})
    assert created.status_code == 201
    for name in ("NEWBIE", "Newbie"):
        again = env.call("POST", "/api/users", "admin",
                         json={"username": name, "password": "long enough pw", "roles": ["viewer"]})
        problem = assert_problem(again, 409, "account-conflict")
        assert problem["detail"] == f"the username '{name}' is taken; choose another"
    assert env.call("GET", "/api/users/NEWBIE", "admin").json()["username"] == "newbie"


def test_a_name_taken_in_another_tenant_is_refused_without_naming_it(env: Env) -> None:
    env.services.accounts.add_user("Elsewhere", PASSWORD, roles=["viewer"], tenant="globex")
    response = env.call("POST", "/api/users", "admin",
                        json={"username": "elsewhere", "password": "long enough pw", "roles": ["viewer"]})
    problem = assert_problem(response, 409, "account-conflict")
    assert problem["detail"] == "the username 'elsewhere' is taken; choose another"
    assert "globex" not in response.text
    assert_problem(env.call("GET", "/api/users/elsewhere", "admin"), 404)  # another tenant's: not found


def test_signing_in_finds_the_user_in_any_case(env: Env) -> None:
    env.services.accounts.add_user("MixedCase", PASSWORD, roles=["viewer"], tenant="acme")
    env.client.cookies.clear()
    response = env.client.post("/api/auth/login", json={"username": "mixedcase", "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["username"] == "MixedCase"


def test_names_stored_in_two_cases_before_each_sign_in_by_their_own_spelling(env: Env) -> None:
    """A database from before names were compared without case may hold both spellings; neither is broken,
    and a third spelling finds neither."""
    with Session(env.services.database) as session:  # the old data, as it was written
        hashed = hash_password("long enough pw")
        session.add(UserRow(username="twin", tenant_id="acme", password_hash=hashed, roles=["viewer"]))
        session.add(UserRow(username="TWIN", tenant_id="acme", password_hash=hashed, roles=["analyst"]))
        session.commit()
    for name, roles in (("twin", ["viewer"]), ("TWIN", ["analyst"])):
        env.client.cookies.clear()
        response = env.client.post("/api/auth/login", json={"username": name, "password": "long enough pw"})
        assert response.json()["roles"] == roles
    env.client.cookies.clear()
    assert_problem(env.client.post("/api/auth/login", json={"username": "Twin", "password": "long enough pw"}), 401)
    assert env.call("GET", "/api/users/TWIN", "admin").json()["roles"] == ["analyst"]


@pytest.mark.parametrize("password", [" " * 8, "\t" * 12, "\u2003" * 9])
def test_a_password_of_blanks_only_is_refused(env: Env, password: str) -> None:
    created = env.call("POST", "/api/users", "admin",
                       json={"username": "blank", "password": password, "roles": ["viewer"]})
    problem = assert_problem(created, 422, "invalid-input")
    assert problem["detail"] == "a password cannot be only spaces (or other blank characters)"
    assert_problem(env.call("GET", "/api/users/blank", "admin"), 404)
    changed = env.call("PATCH", f"/api/users/{'viewer-acme'}", "admin", json={"password": password})
    assert_problem(changed, 422, "invalid-input")


@pytest.mark.parametrize("name", [".", "..", "..."])
def test_a_username_of_dots_only_is_refused_naming_the_field(env: Env, name: str) -> None:
    """`/api/users/..` is resolved by clients (browsers, curl, httpx) to `/api/`: a user so named could never be
    read or changed by name, so none is created."""
    created = env.call("POST", "/api/users", "admin",
                       json={"username": name, "password": "long enough pw", "roles": ["viewer"]})
    problem = assert_problem(created, 422, "invalid-input")
    assert problem["detail"].startswith(f"username: '{name}' is only dots; a username needs a letter, a digit")
    assert all(row.username != name for row in env.services.accounts.list_users("acme", limit=500, offset=0)[0])
    dotted = env.call("POST", "/api/users", "admin",
                      json={"username": f"{name}x.{name}", "password": "long enough pw", "roles": ["viewer"]})
    assert dotted.status_code == 201, dotted.text  # dots among other characters are a name as before
