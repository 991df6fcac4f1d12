"""A decision's idempotency key is the deciding user's own (docs/api.md#approvals): two approvers who send the same
key both decide. Before, approver2's approval under key `D1` was refused with 422 because another approver had
used `D1` on the same approval already — one user could block another's decision by reusing a key."""

from __future__ import annotations

import copy

import pytest
from designer_support import MINIMAL_WORKFLOW, PASSWORD, Env

FLOW = copy.deepcopy(MINIMAL_WORKFLOW)
FLOW["id"] = "quorum_keys_flow"
FLOW["states"]["review"]["quorum"] = 2
SECOND = "approver2-decision-keys"


@pytest.fixture(scope="module", autouse=True)
def deployed(env: Env) -> None:
    env.services.engine.deploy(FLOW)
    env.services.accounts.add_user(SECOND, PASSWORD, roles=["approver"], tenant="acme",
                                   approver_roles=["sales_manager"])
    outcome = env.services.accounts.login(SECOND, PASSWORD)
    env.tokens[("acme", SECOND)] = env.services.accounts.create_token(outcome.principal, "decision-keys").token


def test_two_approvers_with_the_same_key_both_decide_and_a_repeat_answers_the_first(env: Env) -> None:
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": FLOW["id"]})
    assert started.status_code == 201, started.text
    instance = started.json()["id"]
    (approval,) = env.call("GET", f"/api/instances/{instance}", "viewer").json()["pending_approvals"]
    path = f"/api/approvals/{approval['id']}/decision"
    body = {"decision": "approve", "comment": "fine", "idempotency_key": "D1"}
    first = env.call("POST", path, "approver", json=body)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "pending"  # one approval of the two the quorum needs
    second = env.call("POST", path, SECOND, json=body)
    assert second.status_code == 200, second.text
    assert second.json()["status"] == "approved"
    assert sorted(d["actor"] for d in second.json()["decisions"]) == sorted(["approver-acme", SECOND])
    state = env.call("GET", f"/api/instances/{instance}", "viewer").json()
    assert (state["state"], state["status"]) == ("done", "succeeded")
    rows = env.call("GET", f"/api/instances/{instance}/history", "viewer").json()["total"]
    for role in ("approver", SECOND):  # a repeat by the same user answers, adding nothing
        again = env.call("POST", path, role, json=body)
        assert again.status_code == 200, again.text
        assert again.json()["status"] == "approved"
    assert env.call("GET", f"/api/instances/{instance}/history", "viewer").json()["total"] == rows
