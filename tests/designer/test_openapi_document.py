"""The committed OpenAPI document (designer/ui/openapi.json, the source of the UI's generated API types) is
exactly what the app serves; designer/ui/check_build.sh checks that the types are what it generates."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from designer_support import Env

from designer.openapi_document import OPENAPI_FILE, REGENERATE, openapi_document, openapi_text


@pytest.fixture(scope="module")
def written() -> dict[str, Any]:
    return openapi_document()


def test_committed_document_is_current(written: dict[str, Any]) -> None:
    committed = OPENAPI_FILE.read_text(encoding="utf-8")
    assert committed == openapi_text(written), f"designer/ui/openapi.json is stale; regenerate it with: {REGENERATE}"


def test_written_document_is_the_served_one_but_for_the_version(env: Env, written: dict[str, Any]) -> None:
    served, ours = env.client.get("/schema/openapi.json").json(), copy.deepcopy(written)
    assert served["info"].pop("version") != "served"
    assert ours["info"].pop("version") == "served"
    assert served == json.loads(json.dumps(ours))


def test_statuses_are_named_in_the_document(written: dict[str, Any]) -> None:
    schemas = written["components"]["schemas"]
    assert schemas["InstanceStatus"]["enum"] == ["running", "held", "stuck", "succeeded", "failed", "cancelled"]
    assert schemas["ApprovalStatus"]["enum"] == ["pending", "approved", "rejected", "timed_out", "cancelled"]
    assert schemas["AttemptOutcome"]["enum"] == ["done", "error", "retry", "lost"]
    assert schemas["InstanceSummary"]["properties"]["status"] == {"$ref": "#/components/schemas/InstanceStatus"}
