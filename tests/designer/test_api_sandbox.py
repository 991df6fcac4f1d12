"""`GET /api/sandbox` and `GET /api/sandbox/{collection}`: after the lead flow ran through the API, the contact it
created and the meeting it booked are listed; paging, errors, and the sandbox shared by every tenant."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from designer_support import Env, assert_problem

from agents.tools.sandbox.queries import SANDBOX_COLLECTIONS
from definitions import WORKFLOWS_DIR
from designer.security.roles import ROLES

LEAD = json.loads((WORKFLOWS_DIR / "lead_qualification.json").read_text(encoding="utf-8"))
VP = next(e["context"] for e in LEAD["examples"] if e["name"] == "vp_at_acme_books_meeting")


@pytest.fixture(scope="module")
def qualified(env: Env) -> dict[str, Any]:
    """The lead flow's `vp_at_acme_books_meeting` example, started through the API and run to its end."""
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "lead_qualification",
                                                                  "context": VP})
    assert started.status_code == 201, started.text
    instance_id = started.json()["id"]
    detail: dict[str, Any] = {}
    for _ in range(100):
        env.services.engine.run_until_idle()
        detail = env.call("GET", f"/api/instances/{instance_id}", "viewer").json()
        if detail["status"] != "running":
            break
        time.sleep(0.02)
    assert detail["state"] == "qualified", detail
    return detail


def _records(env: Env, collection: str, query: str = "", role: str = "viewer", tenant: str = "acme") -> Any:
    response = env.call("GET", f"/api/sandbox/{collection}{query}", role, tenant=tenant)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_collections_are_listed_with_their_counts(env: Env, qualified: dict[str, Any]) -> None:
    response = env.call("GET", "/api/sandbox", "viewer")
    assert response.status_code == 200, response.text
    collections = response.json()["collections"]
    assert [c["name"] for c in collections] == list(SANDBOX_COLLECTIONS)
    by_name = {c["name"]: c for c in collections}
    assert by_name["meetings"]["count"] == 1
    assert by_name["emails"]["count"] == 1
    assert by_name["contacts"]["count"] == _records(env, "contacts")["total"]
    assert {"email", "name", "status", "created_at"} <= set(by_name["contacts"]["fields"])
    assert by_name["meetings"]["title"] == "Calendar events (meetings)"


def test_the_contact_and_the_meeting_the_flow_made_are_listed(env: Env, qualified: dict[str, Any]) -> None:
    result = qualified["result"]
    contacts = _records(env, "contacts")
    [contact] = [c for c in contacts["items"] if c["email"] == VP["email"]]
    assert contact["id"] == result["contact_id"]
    assert contact["name"] == VP["name"]
    assert contact["status"] == "qualified"
    assert contact["score"] == 100
    assert contacts["collection"] == "contacts"
    meetings = _records(env, "meetings")
    [meeting] = meetings["items"]
    assert meeting["id"] == result["meeting_id"]
    assert meeting["attendee_email"] == VP["email"]
    assert meeting["kind"] == "discovery"
    assert meeting["starts_at"].endswith("Z")
    [email] = _records(env, "emails")["items"]
    assert email["recipient"] == VP["email"]


def test_limit_and_offset_page_the_records(env: Env, qualified: dict[str, Any]) -> None:
    everything = _records(env, "companies", "?limit=500")
    assert everything["total"] == len(everything["items"]) >= 2
    page = _records(env, "companies", "?limit=1&offset=1")
    assert page["items"] == everything["items"][1:2]
    assert (page["limit"], page["offset"], page["total"]) == (1, 1, everything["total"])
    beyond = _records(env, "companies", f"?offset={everything['total']}")
    assert beyond["items"] == []


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_read_the_sandbox(env: Env, role: str) -> None:
    assert env.call("GET", "/api/sandbox", role).status_code == 200
    assert env.call("GET", "/api/sandbox/tickets", role).status_code == 200


def test_the_sandbox_is_shared_by_every_tenant(env: Env, qualified: dict[str, Any]) -> None:
    mine = _records(env, "meetings", tenant="acme")
    theirs = _records(env, "meetings", tenant="globex")
    assert theirs == mine
    assert theirs["items"][0]["id"] == qualified["result"]["meeting_id"]


def test_an_unknown_collection_is_a_404_problem_naming_the_valid_ones(env: Env) -> None:
    body = assert_problem(env.call("GET", "/api/sandbox/meeting", "viewer"), 404, "not-found")
    assert body["detail"] == f"no sandbox collection 'meeting'; choose one of: {', '.join(SANDBOX_COLLECTIONS)}"


@pytest.mark.parametrize("query", ["?limit=0", "?limit=501", "?offset=-1", "?limit=ten"])
def test_bad_paging_is_a_400_problem(env: Env, query: str) -> None:
    assert_problem(env.call("GET", f"/api/sandbox/contacts{query}", "viewer"), 400)


@pytest.mark.parametrize("path", ["/api/sandbox", "/api/sandbox/contacts"])
def test_without_credentials_it_is_a_401_problem(env: Env, path: str) -> None:
    env.client.cookies.clear()
    assert_problem(env.client.get(path), 401)


def test_the_openapi_document_describes_both_endpoints(env: Env) -> None:
    openapi = env.client.get("/schema/openapi.json").json()
    listing = openapi["paths"]["/api/sandbox"]["get"]
    records = openapi["paths"]["/api/sandbox/{collection}"]["get"]
    assert "shared by the whole deployment" in listing["description"]
    assert "shared by the whole deployment" in records["description"]
    assert records["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("SandboxRecords")
    assert "application/problem+json" in records["responses"]["404"]["content"]
    [parameter] = [p for p in records["parameters"] if p["name"] == "collection"]
    assert all(name in parameter["description"] for name in SANDBOX_COLLECTIONS)
