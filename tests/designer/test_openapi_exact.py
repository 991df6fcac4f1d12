"""The OpenAPI document says exactly what the server accepts, and the server accepts exactly that.

test_schemathesis.py finds any gap by generating requests; these pin the gaps it found once, each by name.
"""

from __future__ import annotations

from typing import Any

import pytest
from designer_support import Env, assert_problem, username


@pytest.fixture(scope="module")
def document(env: Env) -> dict[str, Any]:
    response = env.client.get("/schema/openapi.json")
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def _parameter(document: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    [found] = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
    schema: dict[str, Any] = found["schema"]
    return schema


def test_request_bodies_carry_what_the_models_enforce(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    draft = schemas["DraftCreate"]
    assert draft["additionalProperties"] is False
    assert {"type": "string", "maxLength": 128, "pattern": r"^[A-Za-z_][A-Za-z0-9_\-]*$"} in (
        draft["properties"]["workflow_id"]["anyOf"]
    )
    assert [rule["required"] for rule in draft["oneOf"]] == [["content"], ["workflow_id"]]
    assert draft["if"] == {"required": ["new_workflow"], "properties": {"new_workflow": {"const": True}}}
    assert [rule["required"] for rule in schemas["DefinitionBody"]["oneOf"]] == [["definition"], ["source"]]
    simulation = schemas["SimulationRequest"]
    assert [rule["required"] for rule in simulation["oneOf"]] == [["definition"], ["draft_id"], ["workflow_id"]]
    assert simulation["then"]["required"] == ["workflow_id"]
    body = document["paths"]["/api/drafts"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/DraftCreate"}


def test_an_optional_body_is_not_required(document: dict[str, Any]) -> None:
    assert document["paths"]["/api/drafts/{draft_id}/publish"]["post"]["requestBody"]["required"] is False
    assert document["paths"]["/api/drafts"]["post"]["requestBody"]["required"] is True


def test_parameters_state_their_bounds_and_formats(document: dict[str, Any]) -> None:
    approval = _parameter(document, "/api/approvals/{approval_id}", "approval_id")
    assert approval["maximum"] == 2**62
    assert isinstance(approval["maximum"], int)
    limit = _parameter(document, "/api/instances", "limit")
    assert isinstance(limit["maximum"], int)
    since = _parameter(document, "/api/instances", "since")
    assert since["format"] == "date-time"


def test_public_operations_need_no_credentials(document: dict[str, Any]) -> None:
    assert document["paths"]["/api/health"]["get"]["security"] == []


def test_documents_in_several_formats_list_their_media_types(document: dict[str, Any]) -> None:
    review = document["paths"]["/api/definitions/{workflow_id}/versions/{version}/review"]["get"]
    assert set(review["responses"]["200"]["content"]) == {"application/pdf", "text/html"}
    export = document["paths"]["/api/definitions/{workflow_id}/versions/{version}/export/{format}"]["get"]
    assert set(export["responses"]["200"]["content"]) == {"application/json", "application/scxml+xml"}


def test_options_and_405_list_every_method_of_the_path(env: Env) -> None:
    every = {"GET", "HEAD", "POST", "OPTIONS"}
    options = env.call("OPTIONS", "/api/auth/tokens", "admin")
    assert options.status_code == 204
    assert {m.strip() for m in options.headers["allow"].split(",")} == every
    refused = env.call("PUT", "/api/auth/tokens", "admin")
    assert_problem(refused, 405)
    assert {m.strip() for m in refused.headers["allow"].split(",")} == every


@pytest.mark.parametrize(
    ("value", "status"),
    [(3, 201), (3.0, 201), ("3", 400), (True, 400), (3.5, 400)],
    ids=["integer", "whole-float", "string", "boolean", "fraction"],
)
def test_a_body_integer_is_what_json_schema_calls_an_integer(env: Env, value: object, status: int) -> None:
    response = env.call("POST", "/api/auth/tokens", "admin", json={"name": "typed", "expires_in_days": value})
    assert response.status_code == status, response.text
    if status == 201:
        assert response.json()["expires_at"]


def test_a_body_boolean_is_true_or_false_only(env: Env) -> None:
    assert_problem(env.call("PATCH", f"/api/users/{username('viewer')}", "admin", json={"disabled": 0}), 400)
    assert_problem(env.call("POST", "/api/drafts/x/publish", "admin", json={"confirm_replace": "yes"}), 400)


def test_a_time_names_its_seconds_and_offset(env: Env) -> None:
    assert env.call("GET", "/api/instances", "viewer", params={"since": "2025-01-01T00:00:00Z"}).status_code == 200
    for loose in ("2025-01-01T00:00:00", "2025-01-01 00:00:00Z", "2025-01-01T00:00Z"):
        assert_problem(env.call("GET", "/api/instances", "viewer", params={"since": loose}), 400, "bad-request")
