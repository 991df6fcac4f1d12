"""Safe publishing over the API: ids checked for new workflows, the preview, confirmation, requests, reuse of an
untouched draft; and what the designer's pickers and the instance page are given."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from designer_support import MINIMAL_WORKFLOW, Env, assert_problem

from engine.errors import InvalidDefinition


def _flow(workflow_id: str, title: str = "Flow") -> dict[str, Any]:
    return {**copy.deepcopy(MINIMAL_WORKFLOW), "id": workflow_id, "title": title}


def _publish(env: Env, flow: dict[str, Any]) -> dict[str, Any]:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": flow}).json()
    published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher", json={"confirm_replace": True})
    assert published.status_code == 201, published.text
    body: dict[str, Any] = published.json()
    return body


def test_a_new_workflow_may_not_take_a_published_id_or_a_new_drafts_id(env: Env) -> None:
    _publish(env, _flow("claims_flow", "Claims"))
    taken = env.call("POST", "/api/drafts", "analyst", json={"content": _flow("claims_flow"), "new_workflow": True})
    assert "already a published workflow (Claims, v1)" in assert_problem(taken, 409, "id-taken")["detail"]
    first = env.call("POST", "/api/drafts", "analyst", json={"content": _flow("fresh_flow"), "new_workflow": True})
    assert first.status_code == 201
    again = env.call("POST", "/api/drafts", "analyst", json={"content": _flow("fresh_flow"), "new_workflow": True})
    assert "new workflow's draft" in assert_problem(again, 409, "id-taken")["detail"]


def test_saving_a_new_workflows_draft_under_a_taken_id_is_refused_as_creating_it_is(env: Env) -> None:
    """Creating dup_b with dup_a's id is refused; so is saving dup_b as dup_a afterwards — or as a published
    id — and nothing is saved."""
    _publish(env, _flow("dup_published", "Published"))
    first = env.call("POST", "/api/drafts", "analyst", json={"content": _flow("dup_a"), "new_workflow": True})
    second = env.call("POST", "/api/drafts", "analyst", json={"content": _flow("dup_b"), "new_workflow": True})
    assert (first.status_code, second.status_code) == (201, 201)
    draft = second.json()
    for taken, says in (("dup_a", "already the id of a new workflow's draft"),
                        ("dup_published", "already a published workflow (Published, v1)")):
        saved = env.call("PUT", f"/api/drafts/{draft['id']}", "analyst", json={"content": _flow(taken)})
        assert says in assert_problem(saved, 409, "id-taken")["detail"]
    kept = env.call("GET", f"/api/drafts/{draft['id']}", "viewer").json()
    assert (kept["workflow_id"], kept["revision"]) == ("dup_b", 1)
    assert env.call("GET", "/api/drafts?workflow=dup_a", "viewer").json()["total"] == 1
    again = env.call("PUT", f"/api/drafts/{draft['id']}", "analyst", json={"content": _flow("dup_b", "Renamed")})
    assert again.status_code == 200, again.text  # its own id, kept: no check
    moved = env.call("PUT", f"/api/drafts/{draft['id']}", "analyst", json={"content": _flow("dup_c")})
    assert moved.json()["workflow_id"] == "dup_c"


def test_publishing_a_new_draft_over_a_published_id_needs_confirmation(env: Env) -> None:
    _publish(env, _flow("cover_flow", "Cover"))
    impostor = {"id": "cover_flow", "title": "One state", "initial": "end", "states": {"end": {"type": "final"}},
                "transitions": []}
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": impostor}).json()
    preview = env.call("GET", f"/api/drafts/{draft['id']}/publication", "viewer").json()
    assert preview["replaces_other_flow"] is True
    assert preview["next_version"] == 2
    assert set(preview["diff"]["states"]["removed"]) == {"review", "done", "refused"}
    assert_problem(env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher"), 409, "confirmation-required")
    assert env.call("GET", "/api/definitions/cover_flow", "viewer").json()["version"] == 1
    done = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher", json={"confirm_replace": True})
    assert done.status_code == 201
    assert done.json()["version"] == 2


def test_the_preview_shows_old_and_new_values_and_edit_as_draft_reuses_an_untouched_copy(env: Env) -> None:
    _publish(env, _flow("quote_flow"))
    first = env.call("POST", "/api/drafts", "analyst", json={"workflow_id": "quote_flow"})
    second = env.call("POST", "/api/drafts", "analyst", json={"workflow_id": "quote_flow"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    changed = first.json()["content"]
    changed["states"]["review"]["timeout"] = "PT2H"
    env.call("PUT", f"/api/drafts/{first.json()['id']}", "analyst", json={"content": changed})
    third = env.call("POST", "/api/drafts", "analyst", json={"workflow_id": "quote_flow"})
    assert third.status_code == 201, "a changed draft is not the untouched copy"
    preview = env.call("GET", f"/api/drafts/{first.json()['id']}/publication", "viewer").json()
    (change,) = preview["diff"]["states"]["changed"]
    assert (change["id"], change["fields"]) == ("review", ["timeout"])
    assert (change["before"]["timeout"], change["after"]["timeout"]) == ("PT1H", "PT2H")
    assert preview["report"]["errors"] == 0


def test_a_publication_request_is_listed_until_the_draft_is_published(env: Env) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": _flow("asked_flow")}).json()
    asked = env.call("POST", f"/api/drafts/{draft['id']}/publication-request", "analyst", json={"note": "please"})
    assert asked.status_code == 201
    listed = env.call("GET", "/api/publication-requests", "viewer").json()
    assert any(r["draft_id"] == draft["id"] and r["note"] == "please" for r in listed)
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201
    listed = env.call("GET", "/api/publication-requests", "viewer").json()
    assert all(r["draft_id"] != draft["id"] for r in listed)


def test_an_instance_in_an_approval_state_takes_only_its_own_events(env: Env) -> None:
    flow = _flow("withdrawable")
    flow["states"]["withdrawn"] = {"type": "final", "outcome": "failure"}
    flow["transitions"].append({"source": "review", "trigger": "withdraw", "dest": "withdrawn"})
    _publish(env, flow)
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "withdrawable", "context": {}})
    assert started.json()["accepted_events"] == ["withdraw"]
    sent = env.call("POST", f"/api/instances/{started.json()['id']}/events", "analyst", json={"event": "withdraw"})
    assert sent.json()["status"] == "failed"
    assert sent.json()["accepted_events"] == []


def test_the_catalog_lists_registered_actions_with_their_known_shape(env: Env) -> None:
    env.services.engine.register("check_claim", lambda request: {}, replace=True)  # the module's app: shared
    flow = {"id": "claim_check", "title": "Claim check", "initial": "check",
            "states": {"check": {"type": "task", "action": "check_claim", "input": {"amount": "1"},
                                 "output": "verdict"},
                       "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "check", "trigger": "done", "dest": "done"},
                            {"source": "check", "trigger": "error", "dest": "failed"}]}
    _publish(env, flow)
    actions = {a["name"]: a for a in env.call("GET", "/api/catalog/actions", "viewer").json()}
    use = next(u for u in actions["check_claim"]["uses"] if u["workflow_id"] == "claim_check")
    assert (use["state"], use["input"], use["output"]) == ("check", {"amount": "1"}, "verdict")
    workflows = {w["id"] for w in env.call("GET", "/api/catalog/workflows", "viewer").json()}
    assert "claim_check" in workflows
    assert isinstance(env.call("GET", "/api/catalog/agents", "viewer").json(), list)
    unknown = {**flow, "id": "claim_typo"}
    unknown["states"] = {**flow["states"], "check": {**flow["states"]["check"], "action": "chek_claim"}}
    report = env.call("POST", "/api/validate", "viewer", json={"definition": unknown}).json()
    assert [f["code"] for f in report["findings"] if f["severity"] == "error"] == ["unknown-action"]


def test_the_catalog_serves_the_workflow_schema_the_json_view_checks_against(env: Env) -> None:
    served = env.call("GET", "/api/catalog/schema/workflow", "viewer").json()
    committed = json.loads(Path("definitions/schema/workflow.schema.json").read_text(encoding="utf-8"))
    assert served == committed
    assert served["$defs"]["TaskState"]["properties"]["action"]["description"]


def test_the_designer_shows_what_deploy_refuses_with_the_same_pointers(env: Env) -> None:
    """One catalog (`Engine.catalog`): the designer's findings on an agent and a subflow that are not deployed are
    the ones `engine.deploy` refuses the same definition with, and publishing it is refused naming them."""
    flow = {"id": "handover", "title": "Handover", "initial": "ask",
            "states": {"ask": {"type": "task", "action": "check_claim", "agent": "ghost_agent"},
                       "child": {"type": "subflow", "workflow": "ghost_flow"},
                       "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "ask", "trigger": "done", "dest": "child"},
                            {"source": "ask", "trigger": "error", "dest": "failed"},
                            {"source": "child", "trigger": "done", "dest": "done"},
                            {"source": "child", "trigger": "error", "dest": "failed"}]}
    env.services.engine.register("check_claim", lambda request: {}, replace=True)  # the module's app: shared
    report = env.call("POST", "/api/validate", "viewer", json={"definition": flow}).json()
    shown = [(f["code"], f["pointer"]) for f in report["findings"] if f["severity"] == "error"]
    assert shown == [("unknown-agent", "/states/ask/agent"), ("unknown-subflow", "/states/child/workflow")]
    with pytest.raises(InvalidDefinition) as refused:
        env.services.engine.deploy(flow)
    assert [(f.code, f.pointer) for f in refused.value.findings if f.severity == "error"] == shown
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": flow}).json()
    published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher", json={"confirm_replace": True})
    problem = assert_problem(published, 422, "invalid-definition")
    assert [(f["code"], f["pointer"]) for f in problem["findings"] if f["severity"] == "error"] == shown


def test_the_catalog_gives_an_actions_input_schema_and_the_checks_hold_a_task_to_it(env: Env) -> None:
    needs = {"type": "object", "required": ["claim_id"], "properties": {"claim_id": {"type": "string"}}}
    env.services.engine.register("settle_claim", lambda request: {}, input_schema=needs)
    actions = {a["name"]: a for a in env.call("GET", "/api/catalog/actions", "viewer").json()}
    assert actions["settle_claim"]["input_schema"] == needs
    assert actions.get("check_claim", {"input_schema": None})["input_schema"] is None  # registered without one
    flow = {"id": "claim_settle", "title": "Claim settle", "initial": "settle",
            "states": {"settle": {"type": "task", "action": "settle_claim"},
                       "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "settle", "trigger": "done", "dest": "done"},
                            {"source": "settle", "trigger": "error", "dest": "failed"}]}
    report = env.call("POST", "/api/validate", "viewer", json={"definition": flow}).json()
    assert [(f["code"], f["pointer"]) for f in report["findings"] if f["severity"] == "error"] == [
        ("action-input-mismatch", "/states/settle")]
