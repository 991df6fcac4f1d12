"""Drafts (stored as given, valid or not) and the side-effect-free checks of editor content."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from designer_support import MINIMAL_WORKFLOW, Env, assert_problem, username


def _create(env: Env, content: dict[str, Any], role: str = "analyst") -> dict[str, Any]:
    response = env.call("POST", "/api/drafts", role, json={"content": content})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_draft_is_stored_as_given_even_when_it_is_not_a_workflow(env: Env) -> None:
    nonsense = {"hello": ["not", "a", "workflow"], "states": 3}
    draft = _create(env, nonsense)
    assert draft["content"] == nonsense
    assert draft["workflow_id"] is None
    assert draft["revision"] == 1
    assert draft["created_by"] == draft["updated_by"] == username("analyst")
    fetched = env.call("GET", f"/api/drafts/{draft['id']}", "viewer").json()
    assert fetched["content"] == nonsense
    report = env.call("POST", f"/api/drafts/{draft['id']}/validate", "viewer").json()
    assert report["valid"] is False
    assert report["errors"] >= 1


def test_saving_a_draft_records_who_and_bumps_the_revision(env: Env) -> None:
    draft = _create(env, MINIMAL_WORKFLOW)
    assert draft["workflow_id"] == "tiny_flow"
    assert draft["title"] == "Tiny flow"
    changed = copy.deepcopy(MINIMAL_WORKFLOW)
    changed["title"] = "Tiny flow, renamed"
    saved = env.call(
        "PUT", f"/api/drafts/{draft['id']}", "publisher", json={"content": changed, "expected_revision": 1}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["revision"] == 2
    assert saved.json()["updated_by"] == username("publisher")
    assert saved.json()["created_by"] == username("analyst")
    assert saved.json()["title"] == "Tiny flow, renamed"


def test_a_stale_save_is_refused_with_409(env: Env) -> None:
    draft = _create(env, MINIMAL_WORKFLOW)
    first = env.call("PUT", f"/api/drafts/{draft['id']}", "analyst", json={"content": {}, "expected_revision": 1})
    assert first.status_code == 200
    stale = env.call("PUT", f"/api/drafts/{draft['id']}", "analyst", json={"content": {"a": 1}, "expected_revision": 1})
    assert_problem(stale, 409, "concurrency-conflict")
    assert env.call("GET", f"/api/drafts/{draft['id']}", "analyst").json()["content"] == {}


def test_drafts_are_listed_latest_first_and_filtered_by_workflow(env: Env) -> None:
    other = copy.deepcopy(MINIMAL_WORKFLOW)
    other["id"] = "listing_flow"
    first = _create(env, other)
    second = _create(env, other)
    listed = env.call("GET", "/api/drafts?workflow=listing_flow", "viewer").json()
    assert listed["total"] == 2
    assert [d["id"] for d in listed["items"]] == [second["id"], first["id"]]
    assert all("content" not in d for d in listed["items"])
    page = env.call("GET", "/api/drafts?workflow=listing_flow&limit=1&offset=1", "viewer").json()
    assert page == {**page, "total": 2, "limit": 1, "offset": 1}
    assert [d["id"] for d in page["items"]] == [first["id"]]


def test_deleting_a_draft(env: Env) -> None:
    draft = _create(env, MINIMAL_WORKFLOW)
    assert env.call("DELETE", f"/api/drafts/{draft['id']}", "analyst").status_code == 204
    assert_problem(env.call("GET", f"/api/drafts/{draft['id']}", "analyst"), 404, "not-found")
    assert_problem(env.call("DELETE", f"/api/drafts/{draft['id']}", "analyst"), 404, "not-found")


def test_validate_reports_findings_with_pointers(env: Env) -> None:
    broken = copy.deepcopy(MINIMAL_WORKFLOW)
    broken["transitions"] = [t for t in broken["transitions"] if t["trigger"] != "reject"]
    broken["states"]["limbo"] = {"type": "choice"}
    report = env.call("POST", "/api/validate", "viewer", json={"definition": broken}).json()
    assert report["valid"] is False
    codes = {f["code"] for f in report["findings"]}
    assert "unreachable-state" in codes
    limbo = next(f for f in report["findings"] if f["code"] == "unreachable-state")
    assert limbo["states"] == ["limbo"]
    assert limbo["pointer"] == "/states/limbo"
    good = env.call("POST", "/api/validate", "viewer", json={"definition": MINIMAL_WORKFLOW}).json()
    assert good["valid"] is True
    assert good["errors"] == 0


def test_validate_json_text_reports_line_and_column(env: Env) -> None:
    text = json.dumps(MINIMAL_WORKFLOW, indent=2)
    broken = text.replace('"initial": "review",', '"initial": "review"', 1)
    report = env.call("POST", "/api/validate", "viewer", json={"source": broken}).json()
    assert report["valid"] is False
    finding = report["findings"][0]
    assert finding["code"] == "invalid-json"
    assert finding["line"] == 5  # where the missing comma is noticed: the next key


@pytest.mark.parametrize("definition", [None, [], 3, "text", [[[[[]]]]], {"states": {"a": None}}])
def test_validate_accepts_any_json_and_answers_with_findings(env: Env, definition: Any) -> None:
    body = {"definition": definition} if definition is not None else {"source": "{"}
    response = env.call("POST", "/api/validate", "viewer", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["valid"] is False


def test_deeply_nested_json_is_a_finding_not_a_crash(env: Env) -> None:
    deep: Any = {}
    for _ in range(400):
        deep = {"x": deep}
    response = env.call("POST", "/api/validate", "viewer", json={"definition": {"id": "x", "deep": deep}})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert response.json()["valid"] is False


def test_analyze_describes_a_valid_definition_and_refuses_an_invalid_one(env: Env) -> None:
    report = env.call("POST", "/api/analyze", "viewer", json={"definition": MINIMAL_WORKFLOW})
    assert report.status_code == 200, report.text
    summary = report.json()["summary"]
    assert summary["states"] == 3
    assert {f["final"] for f in summary["finals"]} == {"done", "refused"}
    refused = env.call("POST", "/api/analyze", "viewer", json={"definition": {"id": "x"}})
    body = assert_problem(refused, 422, "invalid-definition")
    assert body["findings"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/drafts", {"content": "not an object"}),
        ("POST", "/api/drafts", {}),
        ("POST", "/api/drafts", {"content": {}, "workflow_id": "x"}),
        ("POST", "/api/drafts", {"content": {}, "surprise": 1}),
        ("PUT", "/api/drafts/none", {"content": []}),
        ("POST", "/api/validate", {}),
        ("POST", "/api/validate", {"definition": {}, "source": "{}"}),
    ],
)
def test_malformed_bodies_are_400_problems(env: Env, method: str, path: str, body: Any) -> None:
    assert_problem(env.call(method, path, "analyst", json=body), 400, "bad-request")


def test_a_body_that_is_not_json_is_a_400_problem(env: Env) -> None:
    response = env.call(
        "POST", "/api/validate", "viewer", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400, "bad-request")


def test_a_body_over_the_limit_is_a_413_problem(env: Env) -> None:
    huge = b'{"source": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = env.call("POST", "/api/validate", "viewer", content=huge, headers={"Content-Type": "application/json"})
    problem = assert_problem(response, 413, "payload-too-large")
    assert problem["title"] == "Payload too large"  # QA: 'Request entity too large', beside the slug's words
    assert problem["detail"].startswith("the request body is larger than the ")  # it said only the status
    assert "MiB the API takes" in problem["detail"]


def test_layout_gives_every_state_a_box_that_matches_the_drawn_diagram(env: Env) -> None:
    response = env.call("POST", "/api/layout", "viewer", json={"definition": MINIMAL_WORKFLOW})
    assert response.status_code == 200, response.text
    layout = response.json()
    assert set(layout["states"]) == set(MINIMAL_WORKFLOW["states"])
    for box in layout["states"].values():
        assert 0 <= box["x"] <= layout["width"]
        assert 0 <= box["y"] <= layout["height"]
        assert box["width"] > 0
        assert box["height"] > 0
    assert set(layout["edges"]) == {":start>review", "t0:review", "t1:review", "t2:review"}
    draft = _create(env, MINIMAL_WORKFLOW)
    assert env.call("GET", f"/api/drafts/{draft['id']}/layout", "viewer").json()["states"] == layout["states"]
    broken = _create(env, {"id": "broken"})
    assert_problem(env.call("GET", f"/api/drafts/{broken['id']}/layout", "viewer"), 422, "invalid-definition")
    assert_problem(env.call("POST", "/api/layout", "viewer", json={"definition": {"states": 1}}), 422)


def test_layout_works_while_the_flow_still_has_graph_errors(env: Env) -> None:
    """The editor auto-lays out a flow being built: a dead end or an unreachable state must not stop it."""
    unfinished = json.loads(json.dumps(MINIMAL_WORKFLOW))
    unfinished["states"]["stuck"] = {"type": "choice"}
    unfinished["states"]["orphan"] = {"type": "final", "outcome": "success"}
    assert env.call("POST", "/api/validate", "viewer", json={"definition": unfinished}).json()["valid"] is False
    response = env.call("POST", "/api/layout", "viewer", json={"definition": unfinished})
    assert response.status_code == 200, response.text
    assert set(response.json()["states"]) == set(unfinished["states"])
    draft = _create(env, unfinished)
    assert set(env.call("GET", f"/api/drafts/{draft['id']}/layout", "viewer").json()["states"]) >= {"stuck", "orphan"}


def test_a_task_may_name_an_agent_deployed_at_run_time(env: Env) -> None:
    flow = {"id": "gated_calls", "title": "Gated calls", "initial": "call",
            "states": {"call": {"type": "task", "action": "call_lead", "agent": "night_caller"},
                       "done": {"type": "final", "outcome": "success"},
                       "failed": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "call", "trigger": "done", "dest": "done"},
                            {"source": "call", "trigger": "error", "dest": "failed"}]}
    env.services.engine.register("call_lead", lambda request: {})
    before = env.call("POST", "/api/validate", "viewer", json={"definition": flow}).json()
    assert "unknown-agent" in {f["code"] for f in before["findings"]}
    env.services.engine.deploy_agent({"id": "night_caller", "type": "bdr", "version": "1.0.0",
                                      "name": "Night Caller"})
    after = env.call("POST", "/api/validate", "viewer", json={"definition": flow}).json()
    assert after["valid"] is True, after["findings"]
