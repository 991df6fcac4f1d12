"""The editor's checks agree on one document: a task whose action has no handler on this server is a flow that can
still be analysed, costed, laid out and drawn (none of them runs a handler), while validate and analyze both say it
would not publish here (`unknown-action`, an error)."""

from __future__ import annotations

from typing import Any

from designer_support import Env, assert_problem

_FLOW: dict[str, Any] = {
    "id": "typo_flow", "title": "Typo in an action", "initial": "check",
    "states": {"check": {"type": "task", "action": "chek_order"},
               "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "check", "trigger": "done", "dest": "done"},
                    {"source": "check", "trigger": "error", "dest": "failed"}],
}


def test_a_flow_with_an_unregistered_action_is_analysed_like_it_is_costed_and_drawn(env: Env) -> None:
    env.services.engine.register("check_order", lambda request: {})
    body = {"definition": _FLOW}
    for path in ("/api/paths", "/api/layout", "/api/render?format=dot"):
        assert env.call("POST", path, "viewer", json=body).status_code == 200, path
    validated = env.call("POST", "/api/validate", "viewer", json=body).json()
    analysed = env.call("POST", "/api/analyze", "viewer", json=body)
    assert analysed.status_code == 200, analysed.text
    report = analysed.json()
    assert report["summary"]["states"] == 3
    assert report["valid"] is validated["valid"] is False
    errors = [(f["code"], f["pointer"]) for f in report["findings"] if f["severity"] == "error"]
    assert errors == [("unknown-action", "/states/check/action")]


def test_a_flow_that_is_wrong_in_itself_is_refused_by_each_check_that_needs_a_whole_flow(env: Env) -> None:
    broken = {**_FLOW, "states": {**_FLOW["states"], "orphan": {"type": "final"}}}
    for path in ("/api/analyze", "/api/paths", "/api/render?format=dot"):
        problem = assert_problem(env.call("POST", path, "viewer", json={"definition": broken}), 422,
                                 "invalid-definition")
        assert ("unreachable-state", "/states/orphan") in {(f["code"], f["pointer"]) for f in problem["findings"]}
