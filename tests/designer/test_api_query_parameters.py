"""Every GET of the API refuses a query parameter it does not take — a 400 problem naming it — instead of
ignoring it (an ignored, misspelt filter would answer with every row), and takes every one its OpenAPI document
lists. Walked over the document itself, so an endpoint added later is covered too. The UI's pages and
/schema are not in the document (they are not API endpoints) and not covered.

Asked over HTTP, of the module's app served by uvicorn on loopback: a client that gives up after a few seconds
fails on a stream (/api/stream) that took the parameter and answered for ever, where the in-process test
client would wait for its end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from designer_support import Env, assert_problem, served

Operation = tuple[str, dict[str, Any]]  # path, operation
_SCHEMAS: dict[str, Any] = {}  # the document's components, for the `$ref`s of parameters


@pytest.fixture(scope="module")
def admin(env: Env) -> Iterator[httpx.Client]:
    """The admin's client of the app served over loopback (its start-up ran already, in the test client)."""
    for port in served(env.app):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=env.headers("admin"), timeout=10) as client:
            yield client


@pytest.fixture(scope="module")
def reads(env: Env) -> list[Operation]:
    response = env.client.get("/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    _SCHEMAS.update(document["components"]["schemas"])
    found = [(path, item["get"]) for path, item in document["paths"].items() if "get" in item]
    assert len(found) > 30  # the document was read: every list and read of the API
    return found


def _value(schema: dict[str, Any]) -> str:
    """A value the parameter's schema accepts."""
    chosen = next((s for s in schema.get("oneOf", schema.get("anyOf", [])) if s.get("type") != "null"), {})
    if "$ref" in chosen:
        chosen = _SCHEMAS[chosen["$ref"].rsplit("/", 1)[-1]]
    schema = {**schema, **chosen}
    if "enum" in schema:
        return str(schema["enum"][0])
    if "const" in schema:
        return str(schema["const"])
    if schema.get("format") == "date-time":
        return "2026-01-01T00:00:00Z"
    kind = schema.get("type")
    if kind == "integer":
        return str(max(1, schema.get("minimum", 1)))
    if kind == "boolean":
        return "true"
    return "x"


def _url(path: str, operation: dict[str, Any], query: dict[str, str]) -> str:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", _value(parameter["schema"]))
    return f"{path}?{urlencode(query)}"


def _documented(operation: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: _value(p["schema"]) for p in operation.get("parameters", []) if p["in"] == "query"}


def _refused(admin: httpx.Client, url: str) -> str:
    response = admin.get(url)
    body = assert_problem(response, 400, "bad-request")
    detail: str = body["detail"]
    return detail


def test_every_get_refuses_a_query_parameter_it_does_not_take(admin: httpx.Client, reads: list[Operation]) -> None:
    ignored = []
    for path, operation in reads:
        try:
            response = admin.get(_url(path, operation, {"bogus": "1"}))
        except httpx.ReadTimeout:
            ignored.append(f"{path} -> answered for ever")
            continue
        if response.status_code != 400 or "unknown query parameter(s): bogus" not in response.text:
            ignored.append(f"{path} -> {response.status_code}")
    assert ignored == []


def test_the_refusal_names_what_the_endpoint_takes(admin: httpx.Client) -> None:
    assert _refused(admin, "/api/drafts?workflw=lead_qualification") == (
        "unknown query parameter(s): workflw; this endpoint takes limit, offset, workflow")
    assert _refused(admin, "/api/auth/me?verbose=1&all=1") == (
        "unknown query parameter(s): all, verbose; this endpoint takes none")
    assert _refused(admin, "/api/definitions/lead_qualification/diff?from=1&to=2&form=3").startswith(
        "unknown query parameter(s): form; this endpoint takes from, to")  # by the names the request spells


def test_every_get_takes_each_query_parameter_it_documents(admin: httpx.Client, reads: list[Operation]) -> None:
    """Each documented parameter, with a value its schema accepts, beside one that is not: only that one is
    named, so what an endpoint refuses and what its document lists cannot drift apart."""
    misnamed = []
    documented = [(path, operation, _documented(operation)) for path, operation in reads]
    for path, operation, query in (d for d in documented if d[2]):
        detail = _refused(admin, _url(path, operation, {**query, "bogus": "1"}))
        if not detail.startswith("unknown query parameter(s): bogus;"):
            misnamed.append(f"{path}: {detail}")
    assert misnamed == []
    assert sum(1 for d in documented if d[2]) > 15
