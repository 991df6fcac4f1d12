"""A request the API cannot take is refused with a problem that says what is wrong in a client's words, and
changes nothing (docs/api.md#errors): cancel's body, a simulated event's fields, a missing body, a time's
offset, a window that ends before it starts, an integer in the path, a canvas graph naming a node twice, a
logout without a session."""

from __future__ import annotations

from typing import Any

import pytest
from designer_support import MINIMAL_WORKFLOW, PASSWORD, Env, assert_problem, login, username


@pytest.fixture(scope="module", autouse=True)
def deployed(env: Env) -> None:
    env.services.engine.deploy(MINIMAL_WORKFLOW)


def _started(env: Env) -> str:
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "tiny_flow"})
    assert started.status_code == 201, started.text
    return str(started.json()["id"])


def _status(env: Env, instance_id: str) -> str:
    return str(env.call("GET", f"/api/instances/{instance_id}", "viewer").json()["status"])


@pytest.mark.parametrize(("body", "says"), [
    (b"{not json", None),
    (b'{"reason": "x"}', "reason"),
    (b'{"reason": "x", "force": true}', "force"),
    (b"[]", None),
])
def test_a_cancel_with_a_body_it_does_not_take_cancels_nothing(env: Env, body: bytes, says: str | None) -> None:
    instance_id = _started(env)
    response = env.call("POST", f"/api/instances/{instance_id}/cancel", "analyst", content=body,
                        headers={"Content-Type": "application/json"})
    problem = assert_problem(response, 400, "bad-request")
    if says is not None:
        assert says in {error.get("key") for error in problem["errors"]}, problem
        assert "Extra inputs are not permitted" in problem["detail"]
    assert _status(env, instance_id) == "running"


@pytest.mark.parametrize("body", [None, {}])
def test_a_cancel_without_a_body_or_with_an_empty_object_cancels(env: Env, body: dict[str, Any] | None) -> None:
    instance_id = _started(env)
    response = env.call("POST", f"/api/instances/{instance_id}/cancel", "analyst", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"


def test_a_simulated_event_with_a_field_it_does_not_take_is_refused(env: Env) -> None:
    body = {"definition": MINIMAL_WORKFLOW, "events": [{"event": "approve", "bogus": 1}]}
    problem = assert_problem(env.call("POST", "/api/simulate", "viewer", json=body), 400, "bad-request")
    assert problem["errors"][0]["key"] == "events.0.bogus"
    schema = env.client.get("/schema/openapi.json").json()["components"]["schemas"]["SimulatedEvent"]
    assert schema["additionalProperties"] is False
    fine = env.call("POST", "/api/simulate", "viewer",
                    json={"definition": MINIMAL_WORKFLOW, "events": [{"event": "approve", "actor": "sam"}]})
    assert fine.json()["status"] == "succeeded"


@pytest.mark.parametrize(("path", "fields"), [
    ("/api/auth/login", " with username, password"),
    ("/api/instances/{id}/events", " with event"),
    ("/api/drafts/x/publication-request", " (its fields: note)"),
])
@pytest.mark.parametrize("body", [b"", b"  \n"])
def test_an_endpoint_that_needs_a_body_says_when_it_has_none(env: Env, path: str, fields: str, body: bytes) -> None:
    instance_id = _started(env)
    response = env.call("POST", path.replace("{id}", instance_id), "admin", content=body,
                        headers={"Content-Type": "application/json"})
    problem = assert_problem(response, 400, "bad-request")
    message = (f"the request has no body; this endpoint takes a JSON object{fields}, sent with Content-Type: "
               "application/json (see /schema)")
    assert problem["errors"] == [{"message": message, "source": "body"}]
    assert problem["detail"] == f"Validation failed: body: {message}"
    assert "'data'" not in response.text
    assert _status(env, instance_id) == "running"


@pytest.mark.parametrize("offset", ["+25:00", "-24:00", "+23:60"])
def test_a_time_whose_offset_is_out_of_range_is_refused_in_words(env: Env, offset: str) -> None:
    moment = f"2026-12-06T12:00:00{offset}"
    problem = assert_problem(env.call("GET", "/api/metrics", "viewer", params={"since": moment}), 400, "bad-request")
    message = (f"'{moment}' has the UTC offset {offset}, out of range: an offset is at most 23:59 either side "
               "of UTC (-23:59 to +23:59)")
    assert problem["errors"] == [{"message": message, "key": "since", "source": "query"}]
    assert "timedelta" not in problem["detail"]
    edge = env.call("GET", "/api/metrics", "viewer", params={"since": "2026-12-06T12:00:00+23:59"})
    assert edge.status_code == 200, edge.text


@pytest.mark.parametrize("path", ["/api/instances", "/api/metrics", "/api/metrics/series"])
def test_since_after_until_is_a_422_wherever_they_are_taken(env: Env, path: str) -> None:
    window = {"since": "2030-01-01T00:00:00Z", "until": "2020-01-01T00:00:00Z"}
    problem = assert_problem(env.call("GET", path, "viewer", params=window), 422, "invalid-input")
    assert problem["detail"].startswith("'since' must be before 'until'")
    ordered = env.call("GET", path, "viewer", params={"since": window["until"], "until": window["since"]})
    assert ordered.status_code == 200, ordered.text


@pytest.mark.parametrize(("path", "name", "given"), [
    ("/api/definitions/tiny_flow/versions/abc", "version", "abc"),
    ("/api/definitions/tiny_flow/versions/1.5/review", "version", "1.5"),
    ("/api/definitions/tiny_flow/versions/x/export/asl", "version", "x"),
    ("/api/approvals/abc", "approval_id", "abc"),
    ("/api/instances/some-id/items/first/history", "index", "first"),
])
def test_a_path_integer_that_is_not_one_is_a_400_naming_it(env: Env, path: str, name: str, given: str) -> None:
    problem = assert_problem(env.call("GET", path, "viewer"), 400, "bad-request")
    message = f"'{given}' is not an integer: {name} is a whole number, written in the digits 0-9 only"
    assert problem["errors"] == [{"message": message, "key": name, "source": "path"}]


def test_a_decision_on_a_path_integer_that_is_not_one_is_a_400_and_no_route_stays_a_404(env: Env) -> None:
    decision = env.call("POST", "/api/approvals/abc/decision", "admin", json={"decision": "approve"})
    assert assert_problem(decision, 400, "bad-request")["errors"][0]["key"] == "approval_id"
    assert_problem(env.call("GET", "/api/approvals/abc/nothing-here", "viewer"), 404, "not-found")
    assert env.call("DELETE", "/api/approvals/abc", "admin").status_code in {404, 405}  # no DELETE, whatever the id


@pytest.mark.parametrize("kind", ["nodes", "edges"])
def test_a_canvas_graph_naming_an_id_twice_is_refused_naming_it(env: Env, kind: str) -> None:
    """A 422, not a 400: the document cannot say "unique by id", and a request it accepts is a 400 only for the
    limits docs/api.md lists (test_schemathesis holds the server to that)."""
    box = {"width": 100, "height": 40}
    graph: dict[str, Any] = {"nodes": [{"id": "a", **box}, {"id": "b", **box}],
                             "edges": [{"id": "e", "source": "a", "target": "b"}]}
    graph[kind].append({**graph[kind][0], "width": 300} if kind == "nodes" else {**graph[kind][0], "source": "b"})
    problem = assert_problem(env.call("POST", "/api/layout/canvas", "viewer", json=graph), 422, "invalid-input")
    named = "node id 'a'" if kind == "nodes" else "edge id 'e'"
    assert problem["detail"] == f"{kind}: the {named} is given twice; each {kind[:-1]} has its own id"


def test_logout_with_a_bearer_token_says_it_ends_sessions_and_how_to_revoke_the_token(env: Env) -> None:
    env.services.accounts.add_user("scripted", PASSWORD, roles=["viewer"], tenant="acme")
    outcome = env.services.accounts.login("scripted", PASSWORD)
    bearer = {"Authorization": f"Bearer {env.services.accounts.create_token(outcome.principal, 'ci').token}"}
    env.client.cookies.clear()
    problem = assert_problem(env.client.post("/api/auth/logout", headers=bearer), 409, "no-session")
    assert problem["detail"].startswith("logout ends a browser session, and this request has none")
    assert "DELETE /api/auth/tokens/{token_id}" in problem["detail"]
    assert env.client.get("/api/auth/me", headers=bearer).status_code == 200  # the token was not touched
    csrf = login(env.client, username("viewer"))
    assert env.client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
