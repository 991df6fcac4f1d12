"""Bad input never gives a 500 (docs/api.md#errors): JSON nested past the limit, bodies that are not UTF-8,
contexts too deep to store, and guards too costly to evaluate, on every endpoint that reads JSON."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from designer_support import MINIMAL_WORKFLOW, Env, assert_problem, json_bodies

from designer._request_checks import MAX_BODY_DEPTH, json_depth_exceeds
from engine.json_limits import MAX_JSON_DEPTH

CUBIC_GUARD = "size(L.map(a, L.map(b, L.map(c, a + b + c)))) > 0".replace(
    "L", "[" + ", ".join(str(i) for i in range(70)) + "]")


def deep_json(levels: int) -> bytes:
    return b'{"context":' + b"[" * levels + b"]" * levels + b"}"


def test_the_depth_is_how_deep_brackets_nest_not_how_many_there_are() -> None:
    limit = MAX_BODY_DEPTH
    assert not json_depth_exceeds(b"[" * limit + b"]" * limit, limit)
    assert json_depth_exceeds(b"[" * (limit + 1) + b"]" * (limit + 1), limit)
    assert json_depth_exceeds(b'{"a":' * (limit + 1) + b"1" + b"}" * (limit + 1), limit)
    assert not json_depth_exceeds(b"[" + b"[],{}," * 10 * limit + b"[]]", limit)  # many brackets, 2 deep
    assert not json_depth_exceeds(b'["' + b"[" * 2 * limit + b'"]', limit)  # brackets inside a string


def test_every_json_endpoint_is_listed(env: Env) -> None:
    paths = {p for _, p in json_bodies(env)}
    assert {"/api/auth/login", "/api/instances", "/api/simulate", "/api/drafts"} <= paths


@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH + 20, 10_000, 100_000])
def test_json_nested_past_the_limit_is_a_400_on_every_json_endpoint(env: Env, levels: int) -> None:
    for method, path in json_bodies(env):
        response = env.call(method, path, "admin", content=deep_json(levels),
                            headers={"Content-Type": "application/json"})
        body = assert_problem(response, 400, "bad-request")
        assert "nested" in body["detail"], (path, body)


def test_login_refuses_deep_json_and_bad_utf8_without_credentials(env: Env) -> None:
    env.client.cookies.clear()
    for content in (deep_json(10_000), b'{"username": "\xff\xfe", "password": "x"}'):
        response = env.client.post("/api/auth/login", content=content, headers={"Content-Type": "application/json"})
        assert_problem(response, 400, "bad-request")


def test_a_body_that_is_not_utf8_is_a_400_on_every_json_endpoint(env: Env) -> None:
    for method, path in json_bodies(env):
        response = env.call(method, path, "admin", content=b'{"name": "caf\xe9"}',
                            headers={"Content-Type": "application/json"})
        body = assert_problem(response, 400, "bad-request")
        assert "UTF-8" in body["detail"], (path, body)


def test_a_context_500_levels_deep_is_refused_and_nothing_is_started(env: Env) -> None:
    env.services.engine.deploy(MINIMAL_WORKFLOW)
    before = env.call("GET", "/api/instances?workflow=tiny_flow", "admin").json()["total"]
    deep: Any = {}
    for _ in range(499):
        deep = {"a": deep}
    for levels, context in ((500, {"deep": deep}), (MAX_JSON_DEPTH + 1, {"deep": _nested(MAX_JSON_DEPTH)})):
        response = env.call("POST", "/api/instances", "admin", json={"workflow_id": "tiny_flow", "context": context})
        assert response.status_code in (400, 422), (levels, response.text)
        assert_problem(response, response.status_code)
    assert env.call("GET", "/api/instances?workflow=tiny_flow", "admin").json()["total"] == before


def _nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def test_a_costly_guard_in_a_simulation_is_a_422_and_health_stays_answering(env: Env) -> None:
    definition = {
        "id": "costly", "title": "Costly", "initial": "route",
        "states": {"route": {"type": "choice"}, "yes": {"type": "final", "outcome": "success"},
                   "no": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "route", "dest": "yes", "guard": CUBIC_GUARD, "priority": 1},
                        {"source": "route", "dest": "no"}],
    }
    answers: list[int] = []
    health = threading.Thread(target=lambda: answers.append(env.client.get("/api/health").status_code))
    health.start()
    response = env.call("POST", "/api/simulate", "viewer", json={"definition": definition})
    health.join()
    body = assert_problem(response, 422, "invalid-definition")
    assert [f["code"] for f in body["findings"]] == ["expression-too-costly"]
    assert body["findings"][0]["pointer"] == "/transitions/0/guard"
    assert answers == [200]


def test_a_simulation_whose_steps_would_carry_too_much_context_is_a_422(env: Env) -> None:
    """A simulation answers with the context after each step: 1,000 events over a context near 1 MiB (each within
    its limits) would be a reply of a gigabyte, built in memory first — from any viewer. It is refused past
    MAX_STEP_CONTEXTS_BYTES in all; the same flow over a small context answers in full."""
    definition = {
        "id": "knock", "title": "Knock", "initial": "door",
        "states": {"door": {"type": "wait", "event": {"type": "opened"}}, "in": {"type": "final"}},
        "transitions": [{"source": "door", "trigger": "knock", "dest": "door"},
                        {"source": "door", "trigger": "done", "dest": "in"}],
    }
    events = [{"event": "knock"}] * 999
    big = {"note": "x" * 900_000}
    response = env.call("POST", "/api/simulate", "viewer", json={"definition": definition, "context": big,
                                                                  "events": events})
    problem = assert_problem(response, 422, "invalid-input")
    assert "would carry more than 33,554,432 bytes of context" in problem["detail"]

    small = env.call("POST", "/api/simulate", "viewer", json={"definition": definition, "context": {"note": "x"},
                                                              "events": events})
    assert small.status_code == 200, small.text
    assert len(small.json()["steps"]) == 1000  # the start and every knock, each with its context
    assert small.json()["steps"][-1]["context"] == {"note": "x"}
