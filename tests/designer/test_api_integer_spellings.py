"""An integer in a path or a query is written in the ASCII digits 0-9 alone (docs/api.md, Conventions): the other
spellings Python's `int()` or msgspec read — a sign, blanks, underscores, another script's digits, an exponent —
are a 400 naming the parameter, not the approval, version or page they happened to spell
(`/api/approvals/%D9%A3`, an Arabic-Indic 3, answered approval 3; `/versions/%201` version 1; `?limit=1e2` was
100). Walked over the OpenAPI document, so every integer parameter of every endpoint is covered, and one added
later too."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from designer_support import MINIMAL_WORKFLOW, Env, assert_problem

# How each is read: as the path or query holds it once percent-decoding is done.
SPELLINGS = ["\u0663", "+1", " 1", "1 ", "1_0", "-1", "-0", "1e2", "\uff11", "0x1"]


@pytest.fixture(scope="module", autouse=True)
def approvals(env: Env) -> None:
    """Approvals 1 to 3 (and version 1 of tiny_flow), so that a loose spelling would find one."""
    env.services.engine.deploy(MINIMAL_WORKFLOW)
    for _ in range(3):
        started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "tiny_flow"})
        assert started.status_code == 201, started.text


def _integer_parameters(env: Env) -> list[tuple[str, str, str, str]]:
    """(method, path template, where, name) of every integer path and query parameter the document lists."""
    document = env.client.get("/schema/openapi.json").json()
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema: dict[str, Any] = parameter.get("schema", {})
                kinds = {schema.get("type"), *(s.get("type") for s in schema.get("oneOf", []))}
                if "integer" in kinds and parameter["in"] in {"path", "query"}:
                    found.append((method.upper(), path, parameter["in"], parameter["name"]))
    return found


def _concrete(template: str, integer: str, given: str) -> str:
    """The path with `integer` spelt `given` (percent-encoded), every other integer 1 and every other id `x`."""
    path = template
    for name in ("workflow_id", "draft_id", "instance_id", "collection", "username", "token_id"):
        path = path.replace("{" + name + "}", "x")
    path = path.replace("{format}", "asl")
    path = path.replace("{" + integer + "}", quote(given, safe="+"))
    for name in ("approval_id", "version", "index"):
        path = path.replace("{" + name + "}", "1")
    return path


def test_the_document_lists_the_integers_this_test_walks(env: Env) -> None:
    found = {(where, name) for _, _, where, name in _integer_parameters(env)}
    assert {("path", "approval_id"), ("path", "version"), ("path", "index"), ("query", "limit"),
            ("query", "offset"), ("query", "from"), ("query", "buckets"), ("query", "before")} <= found


@pytest.mark.parametrize("given", SPELLINGS)
def test_every_integer_parameter_takes_digits_alone(env: Env, given: str) -> None:
    refused = []
    for method, template, where, name in _integer_parameters(env):
        if where == "path":
            response = env.call(method, _concrete(template, name, given), "admin", json={})
        else:
            response = env.call(method, _concrete(template, "", ""), "admin", params={name: given})
        problem = response.json() if response.headers.get("content-type", "").startswith("application/problem") \
            else {}
        expected = {"message": f"'{given}' is not an integer: {name} is a whole number, written in the digits 0-9 "
                               "only", "key": name, "source": where}
        if response.status_code != 400 or problem.get("errors") != [expected]:
            refused.append((method, template, where, name, response.status_code, response.text[:200]))
    assert refused == []


@pytest.mark.parametrize(("path", "given"), [
    ("/api/approvals/%D9%A3", "\u0663"),
    ("/api/approvals/+1", "+1"),
    ("/api/approvals/%EF%BC%91", "\uff11"),
    ("/api/definitions/tiny_flow/versions/%201", " 1"),
])
def test_what_the_tester_found_is_a_400_not_the_resource(env: Env, path: str, given: str) -> None:
    problem = assert_problem(env.call("GET", path, "admin"), 400, "bad-request")
    assert problem["errors"][0]["message"].startswith(f"'{given}' is not an integer")
    assert problem["detail"].startswith("Validation failed: path ")


def test_an_exponent_is_not_a_page_size(env: Env) -> None:
    problem = assert_problem(env.call("GET", "/api/instances?limit=1e2", "viewer"), 400, "bad-request")
    assert problem["detail"] == ("Validation failed: query limit: '1e2' is not an integer: limit is a whole number, "
                                 "written in the digits 0-9 only")


def test_digits_still_read_as_before(env: Env) -> None:
    assert env.call("GET", "/api/approvals/1", "admin").json()["id"] == 1
    assert env.call("GET", "/api/approvals/0001", "admin").json()["id"] == 1  # leading zeros are digits
    assert env.call("GET", "/api/definitions/tiny_flow/versions/1", "viewer").json()["version"] == 1
    assert env.call("GET", "/api/instances?limit=2&offset=1", "viewer").json()["limit"] == 2
    # out of range is refused by the endpoint's own bounds, as before
    assert_problem(env.call("GET", "/api/definitions/tiny_flow/versions/0", "viewer"), 400, "bad-request")
    assert_problem(env.call("GET", "/api/instances?limit=0", "viewer"), 400, "bad-request")
