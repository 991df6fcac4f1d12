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


SHIPPED = Path(__file__).resolve().parents[2] / "definitions" / "workflows"


def test_a_statewright_definition_is_imported_as_it_is_whatever_the_format(env: Env) -> None:
    """Statewright's own JSON was read as XState and refused in XState's terms ("the machine's 'title' cannot be
    imported"): it is recognised, and comes back as it is, under the id asked for, to open as a new draft."""
    source = (SHIPPED / "lead_qualification.json").read_text()
    shipped = json.loads(source)
    for fmt in ("xstate", "asl", "scxml"):
        response = env.call("POST", f"/api/import/{fmt}", "analyst", json={"source": source, "id": "my_leads"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["imported"], body["read_as"]) == (True, "statewright"), body["findings"]
        definition = body["definition"]
        assert definition["id"] == "my_leads"
        assert "$schema" not in definition
        assert definition["states"] == shipped["states"]
        assert definition["transitions"] == shipped["transitions"]
        assert not [f for f in body["findings"] if f["severity"] == "error"]
    created = env.call("POST", "/api/drafts", "analyst", json={"content": definition, "new_workflow": True})
    assert created.status_code == 201, created.text


def test_a_statewright_definition_with_problems_is_imported_to_be_fixed_as_a_draft(env: Env) -> None:
    """A draft need not be valid: the definition opens, its problems listed (as the editor lists them)."""
    flow = {"id": "broken", "title": "Broken", "initial": "nowhere",
            "states": {"work": {"type": "task", "action": "do_it"}, "done": {"type": "final"}},
            "transitions": [{"source": "work", "trigger": "done", "dest": "done"}]}
    body = env.call("POST", "/api/import/xstate", "analyst", json={"source": json.dumps(flow), "id": "fixed"}).json()
    assert (body["imported"], body["read_as"]) == (True, "statewright")
    assert body["definition"]["initial"] == "nowhere"
    assert any(f["severity"] == "error" for f in body["findings"])


def test_an_xstate_machine_is_still_read_as_xstate(env: Env) -> None:
    machine = {"id": "light", "initial": "green", "states": {"green": {"on": {"NEXT": "red"}},
                                                             "red": {"type": "final"}}}
    body = env.call("POST", "/api/import/xstate", "analyst", json={"source": json.dumps(machine), "id": "light"}).json()
    assert (body["imported"], body["read_as"]) == (True, "xstate"), body["findings"]
