"""The designer's doors in and out: POST /api/import/{format} and GET .../versions/{n}/export/{format}."""

from __future__ import annotations

import json
from pathlib import Path

from designer_support import Env, assert_problem

ORDER = (Path(__file__).resolve().parents[1] / "engine" / "interop" / "documents" / "order.asl.json").read_text()


def test_import_returns_the_definition_and_findings(env: Env) -> None:
    response = env.call("POST", "/api/import/asl", "analyst", json={"source": ORDER, "id": "order"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["imported"] is True, body["findings"]
    assert body["definition"]["id"] == "order"
    assert body["definition"]["initial"] == "validate_order"
    # the designer's own validation accepts the imported definition, but for the handlers still to be written
    checked = env.call("POST", "/api/validate", "analyst", json={"definition": body["definition"]})
    errors = {f["code"] for f in checked.json()["findings"] if f["severity"] == "error"}
    assert errors <= {"unknown-action"}


def test_import_refusal_is_a_report_naming_the_state(env: Env) -> None:
    machine = {"StartAt": "Fan Out", "States": {"Fan Out": {"Type": "Map", "Iterator": {}, "End": True}}}
    response = env.call("POST", "/api/import/asl", "analyst", json={"source": json.dumps(machine)})
    assert response.status_code == 200
    body = response.json()
    assert body["imported"] is False
    assert body["definition"] is None
    assert body["findings"][0]["states"] == ["Fan Out"]
    assert "Map" in body["findings"][0]["message"]


def test_import_of_an_unknown_format_is_a_client_error(env: Env) -> None:
    response = env.call("POST", "/api/import/bpmn", "analyst", json={"source": "<x/>"})
    assert_problem(response, 400)


def test_export_xstate_and_scxml_of_a_deployed_version(env: Env) -> None:
    xstate = env.call("GET", "/api/definitions/support_ticket_triage/versions/1/export/xstate", "viewer")
    assert xstate.status_code == 200, xstate.text
    assert json.loads(xstate.text)["id"] == "support_ticket_triage"
    assert "support_ticket_triage-v1.xstate.json" in xstate.headers["content-disposition"]
    scxml = env.call("GET", "/api/definitions/support_ticket_triage/versions/1/export/scxml", "viewer")
    assert scxml.status_code == 200
    assert scxml.headers["content-type"].startswith("application/scxml+xml")
    assert "<scxml" in scxml.text


def test_export_asl_says_what_it_cannot_express(env: Env) -> None:
    refused = env.call("GET", "/api/definitions/support_ticket_triage/versions/1/export/asl", "viewer")
    problem = assert_problem(refused, 422)
    assert "cannot be expressed in ASL" in problem["detail"]
    lossy = env.call("GET", "/api/definitions/support_ticket_triage/versions/1/export/asl?allow_loss=true", "viewer")
    assert lossy.status_code == 200
    assert json.loads(lossy.text)["StartAt"] == "classify"
    assert_problem(env.call("GET", "/api/definitions/nope/versions/1/export/asl", "viewer"), 404)
