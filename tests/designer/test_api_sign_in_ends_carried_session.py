"""Signing in ends the session the request carried, whoever's it was: signing in as B in a browser signed in as A
left A's session alive beside B's (one cookie jar, two identities; a session id planted before sign-in, or kept
by another tab, still acted as A). A failed sign-in ends nothing."""

from __future__ import annotations

from designer_support import PASSWORD, Env, assert_problem, login, username


def _with_session(env: Env, session: str) -> int:
    """The status of `GET /api/auth/me` carrying only the session cookie `session`."""
    env.client.cookies.clear()
    env.client.cookies.set("sw_session", session)
    return env.client.get("/api/auth/me").status_code


def test_signing_in_as_another_user_ends_the_first_users_session(env: Env) -> None:
    login(env.client, username("analyst"))
    first = env.client.cookies["sw_session"]
    second = env.client.post("/api/auth/login", json={"username": username("viewer"), "password": PASSWORD})
    assert second.status_code == 200
    assert second.cookies["sw_session"] != first
    assert env.client.get("/api/auth/me").json()["username"] == username("viewer")
    assert _with_session(env, first) == 401


def test_signing_in_again_as_the_same_user_ends_the_old_session(env: Env) -> None:
    login(env.client, username("analyst"))
    first = env.client.cookies["sw_session"]
    assert env.client.post("/api/auth/login", json={"username": username("analyst"), "password": PASSWORD}) \
        .status_code == 200
    assert _with_session(env, first) == 401


def test_a_failed_sign_in_keeps_the_session_it_carried(env: Env) -> None:
    login(env.client, username("analyst"))
    first = env.client.cookies["sw_session"]
    wrong = env.client.post("/api/auth/login", json={"username": username("viewer"), "password": "not it"})
    assert_problem(wrong, 401, "unauthenticated")
    assert _with_session(env, first) == 200


def test_an_unknown_carried_session_does_not_stop_a_sign_in(env: Env) -> None:
    env.client.cookies.clear()
    env.client.cookies.set("sw_session", "planted-by-someone")
    response = env.client.post("/api/auth/login", json={"username": username("viewer"), "password": PASSWORD})
    assert response.status_code == 200
    assert response.cookies["sw_session"] != "planted-by-someone"
