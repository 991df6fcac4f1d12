"""Every operation of the API — GETs and writes alike — refuses a query parameter it does not take, a 400 problem
naming it, instead of ignoring it (an ignored, misspelt filter would answer with every row; an ignored write
option, `?idempotency_kye=`, would write as if it were not there), and takes every one its OpenAPI document lists.
Walked over the document itself, so an endpoint added later is covered too. The UI's pages and
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


WRITES = ("post", "put", "patch", "delete")
_DOOR = {"id": "door_flow", "title": "A door: knocked on while open", "initial": "open",
         "states": {"open": {"type": "wait", "duration": "P1D"}, "closed": {"type": "final"}},
         "transitions": [{"source": "open", "trigger": "done", "dest": "closed"},
                         {"source": "open", "trigger": "knock", "dest": "open"}]}  # a repeat would be recorded twice


def _operations(env: Env, methods: tuple[str, ...]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) of each of `methods` the OpenAPI document lists."""
    response = env.client.get("/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    _SCHEMAS.update(document["components"]["schemas"])
    return [(method, path, item[method]) for path, item in document["paths"].items() for method in methods
            if method in item]


@pytest.fixture(scope="module")
def reads(env: Env) -> list[Operation]:
    found = [(path, operation) for _, path, operation in _operations(env, ("get",))]
    assert len(found) > 30  # the document was read: every list and read of the API
    return found


@pytest.fixture(scope="module")
def writes(env: Env) -> list[tuple[str, str, dict[str, Any]]]:
    found = _operations(env, WRITES)
    assert len(found) > 30  # every create, save, send, decision, delete of the API
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


def test_every_write_refuses_a_query_parameter_it_does_not_take(
    admin: httpx.Client, writes: list[tuple[str, str, dict[str, Any]]]
) -> None:
    """Refused before the handler runs — before its body is read, the caller's rights checked in it, or the path's
    ids looked up — so even a write whose body or ids are wrong answers 400 naming the parameter, and nothing is
    written. The admin may call every one."""
    ignored = []
    for method, path, operation in writes:
        response = admin.request(method.upper(), _url(path, operation, {"bogus": "1"}), json={})
        if response.status_code != 400 or "unknown query parameter(s): bogus" not in response.text:
            ignored.append(f"{method.upper()} {path} -> {response.status_code}")
    assert ignored == []
    assert {m for m, _, _ in writes} == set(WRITES)


def test_every_write_takes_each_query_parameter_it_documents(
    admin: httpx.Client, writes: list[tuple[str, str, dict[str, Any]]]
) -> None:
    """The ones the designer's UI sends too: `POST /api/render?format=`, `DELETE /api/prices?provider=&model=`."""
    misnamed = []
    documented = [(m, p, o, _documented(o)) for m, p, o in writes]
    for method, path, operation, query in (d for d in documented if d[3]):
        response = admin.request(method.upper(), _url(path, operation, {**query, "bogus": "1"}), json={})
        detail = assert_problem(response, 400, "bad-request")["detail"]
        if not detail.startswith("unknown query parameter(s): bogus;"):
            misnamed.append(f"{method.upper()} {path}: {detail}")
    assert misnamed == []
    assert {(m, p) for m, p, _, q in documented if q} >= {("post", "/api/render"), ("delete", "/api/prices")}


def test_a_misspelt_write_option_is_refused_and_nothing_is_written(env: Env, admin: httpx.Client) -> None:
    """`?idempotency_kye=` for the body's `idempotency_key`: the send is refused whole, not done without a key
    (where a retry would then knock twice)."""
    env.services.engine.deploy(_DOOR)
    started = admin.post("/api/instances", json={"workflow_id": "door_flow", "context": {}})
    assert started.status_code == 201, started.text
    instance = started.json()["id"]
    history = admin.get(f"/api/instances/{instance}/history").json()["total"]
    refused = admin.post(f"/api/instances/{instance}/events?idempotency_kye=k1", json={"event": "knock"})
    assert assert_problem(refused, 400, "bad-request")["detail"] == (
        "unknown query parameter(s): idempotency_kye; this endpoint takes none")
    assert admin.get(f"/api/instances/{instance}/history").json()["total"] == history
    for _ in range(2):  # the key where it belongs: sent once
        sent = admin.post(f"/api/instances/{instance}/events", json={"event": "knock", "idempotency_key": "k1"})
        assert sent.status_code == 200, sent.text
    assert admin.get(f"/api/instances/{instance}/history").json()["total"] == history + 1
    assert assert_problem(admin.post("/api/instances?workflow=door_flow", json={}), 400, "bad-request")[
        "detail"] == "unknown query parameter(s): workflow; this endpoint takes none"
