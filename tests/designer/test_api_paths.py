"""The Paths panel's API: each path's time and cost for editor content, and for a published version with the
recorded runs of my tenant; sla-at-risk among the findings the Problems panel shows."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from designer_support import MINIMAL_WORKFLOW, Env, assert_problem

FLOW: dict[str, Any] = {**copy.deepcopy(MINIMAL_WORKFLOW), "id": "paths_flow", "sla": "PT30M"}


@pytest.fixture(scope="module", autouse=True)
def published(env: Env) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": FLOW}).json()
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201


def test_editor_content_gets_declared_times_the_critical_path_and_the_sla(env: Env) -> None:
    response = env.call("POST", "/api/paths", "viewer", json={"definition": FLOW})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["basis"] == "declared"
    by_trigger = {p["steps"][-1]["trigger"]: p for p in report["paths"]}
    assert {t: (p["best_s"], p["worst_s"]) for t, p in by_trigger.items()} == {
        "approve": (0, 3600), "reject": (0, 3600), "timeout": (3600, 3600)}  # the approval's PT1H due time
    assert report["critical"] == by_trigger["timeout"]["number"]
    assert all(p["sla_at_risk"] for p in report["paths"])  # PT1H > the sla's PT30M


def test_an_invalid_definition_is_a_problem_not_a_500(env: Env) -> None:
    broken = {**FLOW, "initial": "nowhere"}
    assert_problem(env.call("POST", "/api/paths", "viewer", json={"definition": broken}), 422)
    assert_problem(env.call("POST", "/api/paths", "viewer", json={"definition": 3}), 422)


def test_a_published_version_counts_my_tenants_runs(env: Env) -> None:
    engine = env.services.engine
    for decision in ("approve", "approve", "reject"):
        started = engine.start("paths_flow", tenant="acme")
        getattr(engine, decision)(started.id, actor="mia", roles=["sales_manager"])
    mine = env.call("GET", "/api/definitions/paths_flow/paths", "viewer").json()
    assert (mine["basis"], mine["runs"], mine["runs_on_paths"]) == ("history", 3, 3)
    taken = {p["steps"][-1]["trigger"]: p["runs_taken"] for p in mine["paths"]}
    assert taken == {"approve": 2, "reject": 1, "timeout": 0}
    assert any("3 runs is fewer than the 10 needed" in note for note in mine["notes"])
    theirs = env.call("GET", "/api/definitions/paths_flow/paths?version=1", "viewer", "globex").json()
    assert (theirs["basis"], theirs["runs"]) == ("declared", 0)


def test_unknown_definitions_and_versions_are_404(env: Env) -> None:
    assert_problem(env.call("GET", "/api/definitions/nope/paths", "viewer"), 404)
    assert_problem(env.call("GET", "/api/definitions/paths_flow/paths?version=9", "viewer"), 404)


def test_validation_reports_sla_at_risk_for_the_problems_panel(env: Env) -> None:
    report = env.call("POST", "/api/validate", "viewer", json={"definition": FLOW}).json()
    (finding,) = [f for f in report["findings"] if f["code"] == "sla-at-risk"]
    assert (finding["severity"], finding["pointer"]) == ("warning", "/sla")
    assert "sla of PT30M" in finding["message"]
