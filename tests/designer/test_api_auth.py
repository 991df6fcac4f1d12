"""Sign-in, sessions, CSRF, bearer tokens, throttling and user administration over the real app."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from designer_support import PASSWORD, Env, assert_problem, login, username

from designer.errors import LoginThrottled, Unauthenticated
from designer.security.accounts import AccountService, ThrottlePolicy
from designer.store.accounts import AccountStore


def test_login_sets_an_httponly_session_cookie_and_a_readable_csrf_cookie(env: Env) -> None:
    env.client.cookies.clear()
    response = env.client.post("/api/auth/login", json={"username": username("analyst"), "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["username"] == username("analyst")
    assert response.json()["permissions"] == ["edit_drafts", "operate", "read"]
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert "httponly" in cookies["sw_session"]
    assert "samesite=lax" in cookies["sw_session"]
    assert "httponly" not in cookies["sw_csrf"]
    me = env.client.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["tenant"] == "acme"


@pytest.mark.parametrize("user", [username("viewer"), "nobody-at-all"])
def test_a_wrong_password_and_an_unknown_user_get_the_same_401(env: Env, user: str) -> None:
    env.client.cookies.clear()
    response = env.client.post("/api/auth/login", json={"username": user, "password": "not the password"})
    body = assert_problem(response, 401, "unauthenticated")
    assert body["detail"] == "wrong username or password"
    assert "sw_session" not in response.cookies


def test_cookie_requests_that_change_something_need_the_csrf_header(env: Env) -> None:
    csrf = login(env.client, username("viewer"))
    assert_problem(env.client.post("/api/auth/tokens", json={"name": "ci"}), 403, "csrf")
    wrong = env.client.post("/api/auth/tokens", json={"name": "ci"}, headers={"X-CSRF-Token": csrf[:-1] + "x"})
    assert_problem(wrong, 403, "csrf")
    assert env.client.get("/api/auth/tokens").status_code == 200  # reads need no token
    right = env.client.post("/api/auth/tokens", json={"name": "ci"}, headers={"X-CSRF-Token": csrf})
    assert right.status_code == 201
    assert right.json()["token"].startswith("sw_")


def test_a_csrf_token_from_another_session_is_refused(env: Env) -> None:
    other = login(env.client, username("analyst"))
    login(env.client, username("viewer"))
    response = env.client.post("/api/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": other})
    assert_problem(response, 403, "csrf")


def test_logout_ends_the_session_on_the_server(env: Env) -> None:
    csrf = login(env.client, username("viewer"))
    session = env.client.cookies["sw_session"]
    assert env.client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    env.client.cookies.clear()
    env.client.cookies.set("sw_session", session)
    assert_problem(env.client.get("/api/auth/me"), 401, "unauthenticated")


def test_requests_without_credentials_get_401(env: Env) -> None:
    env.client.cookies.clear()
    assert_problem(env.client.get("/api/auth/me"), 401, "unauthenticated")
    assert_problem(env.client.get("/api/drafts"), 401, "unauthenticated")
    garbage = env.client.get("/api/auth/me", headers={"Authorization": "Bearer sw_not-a-real-token"})
    assert_problem(garbage, 401, "unauthenticated")
    basic = env.client.get("/api/auth/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_problem(basic, 401, "unauthenticated")


def test_bearer_tokens_need_no_csrf_and_stop_working_when_revoked(env: Env) -> None:
    issued = env.call("POST", "/api/auth/tokens", "analyst", json={"name": "script", "expires_in_days": 1})
    assert issued.status_code == 201
    token, token_id = issued.json()["token"], issued.json()["id"]
    bearer = {"Authorization": f"Bearer {token}"}
    env.client.cookies.clear()
    assert env.client.get("/api/auth/me", headers=bearer).json()["username"] == username("analyst")
    listed = env.client.get("/api/auth/tokens", headers=bearer).json()
    assert token_id in [t["id"] for t in listed["items"]]
    assert all("token" not in t for t in listed["items"])
    assert env.client.delete(f"/api/auth/tokens/{token_id}", headers=bearer).status_code == 204
    assert_problem(env.client.get("/api/auth/me", headers=bearer), 401, "unauthenticated")


def test_one_user_cannot_revoke_another_users_token(env: Env) -> None:
    issued = env.call("POST", "/api/auth/tokens", "analyst", json={"name": "mine"}).json()
    assert_problem(env.call("DELETE", f"/api/auth/tokens/{issued['id']}", "admin"), 404, "not-found")


def test_login_is_throttled_after_repeated_failures(env: Env) -> None:
    env.services.accounts.add_user("throttled", PASSWORD, roles=["viewer"], tenant="acme")
    env.client.cookies.clear()
    for _ in range(5):
        failed = env.client.post("/api/auth/login", json={"username": "throttled", "password": "wrong-password"})
        assert_problem(failed, 401)
    refused = env.client.post("/api/auth/login", json={"username": "throttled", "password": PASSWORD})
    assert_problem(refused, 429, "login-throttled")
    assert 1 <= int(refused.headers["retry-after"]) <= 30  # a back-off, not a quarter-hour lock
    other = env.client.post("/api/auth/login", json={"username": username("viewer"), "password": PASSWORD})
    assert other.status_code == 200  # the back-off is per user (and address)


def test_concurrent_wrong_passwords_get_at_most_the_limit_of_checks(env: Env) -> None:
    env.services.accounts.add_user("stormed", PASSWORD, roles=["viewer"], tenant="acme")
    env.client.cookies.clear()

    def attempt(_: int) -> int:
        return env.client.post("/api/auth/login", json={"username": "stormed", "password": "wrong-password"}
                               ).status_code

    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = Counter(pool.map(attempt, range(25)))
    assert statuses[401] <= 5, statuses
    assert statuses[401] + statuses[429] == 25, statuses


def _service(env: Env, now: list[datetime], policy: ThrottlePolicy) -> AccountService:
    return AccountService(AccountStore(env.services.database), throttle=policy, clock=lambda: now[0])


def test_the_back_off_doubles_and_the_owner_is_not_locked_out(env: Env) -> None:
    now = [datetime(2030, 1, 1, tzinfo=UTC)]
    service = _service(env, now, ThrottlePolicy(3, timedelta(minutes=10), backoff=timedelta(seconds=30)))
    service.add_user("windowed", PASSWORD, roles=["viewer"], tenant="acme")
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            service.login("windowed", "wrong-password", remote="10.0.0.66")
    with pytest.raises(LoginThrottled) as throttled:
        service.login("windowed", PASSWORD, remote="10.0.0.66")
    assert throttled.value.retry_after_s == 30
    now[0] += timedelta(seconds=31)
    with pytest.raises(Unauthenticated):  # one more guess admitted, then twice the wait
        service.login("windowed", "wrong-password", remote="10.0.0.66")
    with pytest.raises(LoginThrottled) as throttled:
        service.login("windowed", PASSWORD, remote="10.0.0.66")
    assert throttled.value.retry_after_s == 60
    # the owner, from their own address, is not held back by the guesses made elsewhere
    assert service.login("windowed", PASSWORD, remote="192.0.2.7").principal.username == "windowed"
    now[0] += timedelta(seconds=61)
    assert service.login("windowed", PASSWORD, remote="10.0.0.66").principal.username == "windowed"
    with pytest.raises(Unauthenticated):  # success reset that address's count: one failure does not throttle
        service.login("windowed", "wrong-password", remote="10.0.0.66")
    assert service.login("windowed", PASSWORD, remote="10.0.0.66").principal.username == "windowed"


def test_guessing_across_many_usernames_from_one_address_is_throttled(env: Env) -> None:
    now = [datetime(2030, 2, 1, tzinfo=UTC)]
    service = _service(env, now, ThrottlePolicy(5, timedelta(minutes=15), address_max_failures=8))
    for i in range(8):
        with pytest.raises(Unauthenticated):
            service.login(f"nobody-{i}", "guess", remote="198.51.100.9")
    with pytest.raises(LoginThrottled):
        service.login("nobody-99", "guess", remote="198.51.100.9")
    with pytest.raises(Unauthenticated):  # another address is unaffected
        service.login("nobody-99", "guess", remote="198.51.100.10")


def test_admins_manage_the_users_of_their_own_tenant(env: Env) -> None:
    created = env.call(
        "POST",
        "/api/users",
        "admin",
        json={"username": "newcomer", "password": "long enough pw", "roles": ["analyst"]},
    )
    assert created.status_code == 201
    assert created.json()["tenant"] == "acme"
    listed = env.call("GET", "/api/users?limit=500", "admin").json()
    assert {u["tenant"] for u in listed["items"]} == {"acme"}
    assert "newcomer" in [u["username"] for u in listed["items"]]
    assert_problem(env.call("GET", "/api/users/newcomer", "admin", tenant="globex"), 404)
    patched = env.call("PATCH", "/api/users/newcomer", "admin", json={"roles": ["viewer"], "disabled": True})
    assert patched.json()["roles"] == ["viewer"]
    assert patched.json()["disabled"] is True
    env.client.cookies.clear()
    response = env.client.post("/api/auth/login", json={"username": "newcomer", "password": "long enough pw"})
    assert_problem(response, 401)
    duplicate = env.call(
        "POST", "/api/users", "admin", json={"username": "newcomer", "password": "long enough pw", "roles": ["admin"]}
    )
    assert_problem(duplicate, 409, "account-conflict")


def test_disabling_a_user_stops_their_tokens(env: Env) -> None:
    env.services.accounts.add_user("leaver", PASSWORD, roles=["viewer"], tenant="acme")
    outcome = env.services.accounts.login("leaver", PASSWORD)
    token = env.services.accounts.create_token(outcome.principal, "t").token
    bearer = {"Authorization": f"Bearer {token}"}
    env.client.cookies.clear()
    assert env.client.get("/api/auth/me", headers=bearer).status_code == 200
    assert env.call("PATCH", "/api/users/leaver", "admin", json={"disabled": True}).status_code == 200
    assert_problem(env.client.get("/api/auth/me", headers=bearer), 401)


@pytest.mark.parametrize(
    "body",
    [
        {"username": "x", "password": "short", "roles": ["viewer"]},
        {"username": "x y", "password": "long enough pw", "roles": ["viewer"]},
        {"username": "x", "password": "long enough pw", "roles": ["emperor"]},
        {"username": "x", "password": "long enough pw", "roles": []},
        {"username": "x", "password": "long enough pw", "roles": ["viewer"], "approver_roles": ["no spaces"]},
        {"username": "x", "password": "long enough pw", "roles": ["viewer"], "tenant": "other"},
    ],
)
def test_bad_user_data_is_a_400(env: Env, body: dict[str, object]) -> None:
    assert_problem(env.call("POST", "/api/users", "admin", json=body), 400, "bad-request")
