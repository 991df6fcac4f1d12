"""A repeated start with the same idempotency key gets the first instance back; the same key sent to start another
workflow is a 422 naming the instance it started, not that instance passed off as the new workflow's."""

from __future__ import annotations

from designer_support import MINIMAL_WORKFLOW, SEND_FLOW, Env, assert_problem


def test_a_key_reused_for_another_workflow_is_refused_and_starts_nothing(env: Env) -> None:
    env.services.engine.deploy(SEND_FLOW)
    env.services.engine.deploy({**SEND_FLOW, "version": 2, "title": "Close on request, v2"})
    env.services.engine.deploy(MINIMAL_WORKFLOW)
    first = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "send_flow", "idempotency_key": "o-1"})
    assert first.status_code == 201, first.text
    again = env.call("POST", "/api/instances", "analyst",
                     json={"workflow_id": "send_flow", "version": 2, "idempotency_key": "o-1"})
    assert again.json()["id"] == first.json()["id"], again.text
    older = env.call("POST", "/api/instances", "analyst",
                     json={"workflow_id": "send_flow", "version": 1, "idempotency_key": "o-1"})
    assert "'send_flow' v2" in assert_problem(older, 422, "invalid-input")["detail"]
    other = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "tiny_flow", "idempotency_key": "o-1"})
    detail = assert_problem(other, 422, "invalid-input")["detail"]
    assert first.json()["id"] in detail
    assert "'send_flow' v2" in detail
    assert env.call("GET", "/api/instances?workflow=tiny_flow", "analyst").json()["total"] == 0
