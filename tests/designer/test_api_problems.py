"""Every error is an RFC 9457 problem, and malformed input of any kind is a 4xx — never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from designer_support import Env, assert_problem
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def test_public_endpoints_need_no_credentials(env: Env) -> None:
    env.client.cookies.clear()
    assert env.client.get("/api/health").json()["status"] == "ok"
    assert env.client.get("/schema/openapi.json").status_code == 200
    assert env.client.get("/").headers["content-type"].startswith("text/html")
    assert env.client.get("/instances/deep/link").headers["content-type"].startswith("text/html")
    assert env.client.get("/assets/app.js").text == "console.log('statewright')"


def test_the_static_handler_never_serves_outside_its_folder(env: Env) -> None:
    env.client.cookies.clear()
    for path in ("/../designer.db", "/assets/../../designer.db", "/%2e%2e/designer.db"):
        response = env.client.get(path)
        assert b"SQLite" not in response.content
        assert response.status_code in (200, 404)


@pytest.mark.parametrize(
    ("method", "path", "status", "slug"),
    [
        ("GET", "/api/nothing-here", 404, "not-found"),
        ("POST", "/api/nothing-here", 404, "not-found"),
        ("GET", "/api", 404, "not-found"),
        ("DELETE", "/api/definitions", 405, "method-not-allowed"),
        ("PUT", "/api/instances", 405, "method-not-allowed"),
        ("GET", "/api/approvals/not-a-number", 400, "bad-request"),  # the parameter named (test_api_path_integers)
        ("GET", "/api/drafts/" + "x" * 65, 400, "bad-request"),
        ("GET", "/api/instances?limit=0", 400, "bad-request"),
        ("GET", "/api/instances?limit=501", 400, "bad-request"),
        ("GET", "/api/instances?offset=-1", 400, "bad-request"),
        ("GET", "/api/definitions/lead_qualification/diagram?format=gif", 400, "bad-request"),
        ("GET", "/api/definitions/lead_qualification/diff?from=1", 400, "bad-request"),
        ("GET", "/api/definitions/lead_qualification/versions/0", 400, "bad-request"),
        ("GET", "/api/metrics?since=not-a-time", 400, "bad-request"),
        ("GET", "/api/metrics?until=0.0", 400, "bad-request"),
        ("GET", "/api/instances?since=1700000000", 400, "bad-request"),
        ("GET", "/api/instances?since=2025-13-45T00:00:00Z", 400, "bad-request"),
        ("GET", "/api/approvals?status=maybe", 400, "bad-request"),
        ("GET", "/api/drafts?workflow=a&workflow=b", 400, "bad-request"),
        ("GET", "/api/instances?limit=5&limit=6", 400, "bad-request"),
    ],
)
def test_routing_and_parameter_errors_are_problems(
    env: Env, method: str, path: str, status: int, slug: str | None
) -> None:
    problem = assert_problem(env.call(method, path, "admin"), status, slug)
    if status == 404:  # QA: the detail was 'Not Found', the status again
        assert problem["detail"] == f"no such path: {method} {path} (the API's paths are listed at /schema)"
    if status == 405:
        assert problem["detail"] == f"{method} is not taken on {path}; the Allow header lists what is"


@pytest.mark.parametrize(
    "path",
    [
        "/api/drafts",
        "/api/validate",
        "/api/analyze",
        "/api/render",
        "/api/simulate",
        "/api/instances",
        "/api/events",
        "/api/users",
        "/api/auth/tokens",
        "/api/auth/login",
    ],
)
@pytest.mark.parametrize(
    "body", [b"", b"null", b"[]", b"{", b'"text"', b"1e999", b'{"a": NaN}', "\udcff".encode("utf-8", "surrogatepass")]
)
def test_malformed_bodies_are_4xx_problems(env: Env, path: str, body: bytes) -> None:
    response = env.call("POST", path, "admin", content=body, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    document=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
        max_leaves=30,
    ),
    top=st.dictionaries(
        st.sampled_from(["id", "title", "initial", "states", "transitions", "context", "version", "layout"]),
        st.none()
        | st.integers()
        | st.text(max_size=10)
        | st.lists(st.integers(), max_size=3)
        | st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
        max_size=8,
    ),
)
def test_any_definition_gets_findings_never_a_crash(env: Env, document: Any, top: dict[str, Any]) -> None:
    for definition in (document, top):
        if definition is None:  # a null definition is no definition: the body asks for exactly one
            assert_problem(env.call("POST", "/api/validate", "viewer", json={"definition": None}), 400)
            continue
        validated = env.call("POST", "/api/validate", "viewer", json={"definition": definition})
        assert validated.status_code == 200, validated.text
        for path in ("/api/analyze", "/api/simulate", "/api/render?format=dot"):
            response = env.call("POST", path, "viewer", json={"definition": definition})
            assert response.status_code in (200, 422), response.text


def test_the_openapi_document_says_which_operations_need_no_credentials(env: Env) -> None:
    document = env.client.get("/schema/openapi.json").json()
    assert document["paths"]["/api/health"]["get"]["security"] == []
    assert document["paths"]["/api/ready"]["get"]["security"] == []
    assert document["paths"]["/api/auth/login"]["post"]["security"] == []
    assert "security" not in document["paths"]["/api/auth/me"]["get"]  # the global requirement applies


@pytest.mark.parametrize(("path", "key"), [
    ("/api/definitions/lead_qualification/migration?from=x&to=2", "from"),
    ("/api/definitions/lead_qualification/migration?from=1&to=0", "to"),
    ("/api/definitions/lead_qualification/migration?from=1&to=2&map=review", "map"),
    ("/api/definitions/lead_qualification/diff?from=1&to=zero", "to"),
    ("/api/instances?limit=0", "limit"),
])
def test_a_bad_parameter_is_named_as_the_request_spells_it(env: Env, path: str, key: str) -> None:
    """`?from=x` is reported as the query parameter 'from', not by the handler's own argument name
    ('from_version', 'pairs') nor Python's spelling of where it came from ('ParamType.QUERY')."""
    response = env.call("GET", path, "admin")
    assert_problem(response, 400, "bad-request")
    problem = response.json()
    assert problem["errors"][0]["key"] == key
    assert f": query {key}: " in problem["detail"]
    assert "ParamType" not in problem["detail"]


def test_a_parameter_that_misses_its_pattern_is_told_the_form_in_words(env: Env) -> None:
    response = env.call("GET", "/api/definitions/lead_qualification/migration?from=1&to=2&map=review", "admin")
    assert "old_state:new_state, comma-separated" in assert_problem(response, 400, "bad-request")["detail"]


@pytest.mark.parametrize(("path", "body", "key", "words"), [
    ("/api/instances", {"workflow_id": 5}, "workflow_id", "valid string"),
    ("/api/definitions/lead_qualification/migration", {"from_version": 1, "to_version": 2, "mapping": {"a": 5}},
     "mapping.a", "valid string"),
    ("/api/definitions/lead_qualification/migration", {"from_version": "1", "to_version": 2}, "from_version",
     "valid integer"),
])
def test_a_body_field_of_the_wrong_type_is_named_by_its_place(env: Env, path: str, body: dict[str, Any], key: str,
                                                              words: str) -> None:
    """Each wrong field is one error at its place in the body, not pydantic's whole report under 'data'."""
    problem = assert_problem(env.call("POST", path, "admin", json=body), 400, "bad-request")
    (error,) = problem["errors"]
    assert (error["key"], error["source"]) == (key, "body")
    assert words in error["message"]
    assert "pydantic" not in problem["detail"]
    assert f"body {key}: " in problem["detail"]
