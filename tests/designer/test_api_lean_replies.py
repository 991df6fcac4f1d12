"""`Prefer: return=minimal` on start and send: the instance's summary instead of its detail, and nothing else
changes — the same permission, tenant and CSRF checks answer as they do without it."""

from __future__ import annotations

from typing import Any

import pytest
from designer_support import Env, assert_problem, login, username

from bench.bench_api import FLOW, MINIMAL
from designer.api.instances import wants_minimal
from designer.security.middleware import CSRF_HEADER

SUMMARY_KEYS = {"id", "workflow_id", "version", "workflow_version", "tenant", "state", "status", "parent_id",
                "created_at", "updated_at"}


@pytest.fixture(scope="module", autouse=True)
def deployed(env: Env) -> None:
    env.services.engine.deploy(FLOW)


def _start(env: Env, **kwargs: Any) -> Any:
    return env.call("POST", "/api/instances", "analyst", json={"workflow_id": FLOW["id"], "context": {}}, **kwargs)


def test_a_minimal_send_answers_with_the_summary_and_says_so(env: Env) -> None:
    started = _start(env, headers=MINIMAL)
    assert started.status_code == 201, started.text
    assert started.headers["preference-applied"] == "return=minimal"
    assert set(started.json()) == SUMMARY_KEYS
    assert started.json()["state"] == "open"

    sent = env.call("POST", f"/api/instances/{started.json()['id']}/events", "analyst", json={"event": "close"},
                    headers=MINIMAL)
    assert sent.status_code == 200, sent.text
    assert sent.headers["preference-applied"] == "return=minimal"
    assert set(sent.json()) == SUMMARY_KEYS
    assert (sent.json()["state"], sent.json()["status"]) == ("closed", "succeeded")
    # the event happened exactly as without the preference
    history = env.call("GET", f"/api/instances/{started.json()['id']}/history", "viewer").json()["items"]
    assert [(h["event"], h["actor"]) for h in history[-1:]] == [("close", username("analyst"))]


def test_without_the_preference_the_full_detail_comes_back(env: Env) -> None:
    started = _start(env)
    assert started.status_code == 201
    assert "preference-applied" not in started.headers
    assert {"path", "timers", "accepted_events", "context"} <= set(started.json())
    assert started.json()["timers"]  # the wait's timer is armed
    sent = env.call("POST", f"/api/instances/{started.json()['id']}/events", "analyst", json={"event": "close"},
                    headers={"Prefer": "respond-async"})
    assert sent.status_code == 200
    assert sent.json()["path"] == ["open", "closed"]
    assert "preference-applied" not in sent.headers


def test_a_minimal_reply_skips_no_check(env: Env) -> None:
    opened = _start(env).json()["id"]
    events = f"/api/instances/{opened}/events"
    # a viewer may not operate; another tenant's instance does not exist for them
    assert_problem(env.call("POST", events, "viewer", json={"event": "close"}, headers=MINIMAL), 403, "forbidden")
    other_tenant = env.call("POST", events, "analyst", tenant="globex", json={"event": "close"}, headers=MINIMAL)
    assert_problem(other_tenant, 404)
    assert_problem(env.call("POST", events, "analyst", json={"event": "ship"}, headers=MINIMAL), 409)
    # a session cookie without the CSRF header is refused, with it the send goes through
    csrf_token = login(env.client, username("analyst"))
    refused = env.client.post(events, json={"event": "close"}, headers=MINIMAL)
    assert_problem(refused, 403)
    csrf = {CSRF_HEADER: csrf_token, **MINIMAL}
    accepted = env.client.post(events, json={"event": "close"}, headers=csrf)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "closed"
    env.client.cookies.clear()


@pytest.mark.parametrize(("header", "minimal"), [
    ("return=minimal", True),
    ("Return = Minimal", True),
    ("respond-async, return=minimal; foo=bar", True),
    ("return=representation", False),
    ("return=minimalist", False),
    ("", False),
    (None, False),
])
def test_the_prefer_header_is_read_as_rfc_7240_writes_it(header: str | None, minimal: bool) -> None:
    assert wants_minimal(header) is minimal
