"""An approver's client retrying a decision (its first answer lost on the way) gets the first outcome back *and* is
told it is a replay — `Idempotent-Replayed: true`, as a start or a send repeated under its idempotency key says —
so it can tell "decided now" from "decided before". Before, the repeat answered `200` with nothing to tell the two
apart. A first decision carries no such header; a different decision after one's own stays `409 version-conflict`,
and a decision on a request someone else closed stays `409 approval-closed`."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from designer_support import MINIMAL_WORKFLOW, PASSWORD, Env, assert_problem

from designer.api.instances import REPLAYED_HEADER

FLOW = copy.deepcopy(MINIMAL_WORKFLOW)
FLOW["id"] = "replayed_decisions_flow"
QUORUM = copy.deepcopy(MINIMAL_WORKFLOW)
QUORUM["id"] = "replayed_quorum_flow"
QUORUM["states"]["review"]["quorum"] = 2
SECOND = "approver2-replays"


@pytest.fixture(scope="module", autouse=True)
def deployed(env: Env) -> None:
    env.services.engine.deploy(FLOW)
    env.services.engine.deploy(QUORUM)
    env.services.accounts.add_user(SECOND, PASSWORD, roles=["approver"], tenant="acme",
                                   approver_roles=["sales_manager"])
    outcome = env.services.accounts.login(SECOND, PASSWORD)
    env.tokens[("acme", SECOND)] = env.services.accounts.create_token(outcome.principal, "replays").token


def _approval(env: Env, workflow_id: str) -> tuple[str, str]:
    """A new instance waiting in its approval: (its id, the decision's path)."""
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": workflow_id})
    assert started.status_code == 201, started.text
    instance = started.json()["id"]
    (approval,) = env.call("GET", f"/api/instances/{instance}", "viewer").json()["pending_approvals"]
    return instance, f"/api/approvals/{approval['id']}/decision"


def _transitions(env: Env, instance: str) -> int:
    return int(env.call("GET", f"/api/instances/{instance}/history", "viewer").json()["total"])


@pytest.mark.parametrize("body", [{"decision": "approve", "comment": "fine"},
                                  {"decision": "reject", "idempotency_key": "retry-me"}])
def test_a_repeated_decision_answers_as_the_first_and_says_it_is_a_replay(env: Env, body: dict[str, Any]) -> None:
    instance, path = _approval(env, FLOW["id"])
    first = env.call("POST", path, "approver", json=body)
    assert first.status_code == 200, first.text
    assert REPLAYED_HEADER not in first.headers
    transitions = _transitions(env, instance)
    again = env.call("POST", path, "approver", json=body)
    assert again.status_code == 200, again.text
    assert again.headers[REPLAYED_HEADER] == "true"
    assert again.json() == first.json()  # the request as the first answer showed it: decided, by the same decision
    assert _transitions(env, instance) == transitions  # and nothing done again


def test_a_repeat_while_others_still_have_to_decide_is_a_replay_too(env: Env) -> None:
    _, path = _approval(env, QUORUM["id"])
    first = env.call("POST", path, "approver", json={"decision": "approve"})
    assert (first.status_code, first.json()["status"]) == (200, "pending"), first.text
    again = env.call("POST", path, "approver", json={"decision": "approve"})
    assert (again.status_code, again.json()["approvals"]) == (200, 1), again.text
    assert again.headers[REPLAYED_HEADER] == "true"
    other = env.call("POST", path, SECOND, json={"decision": "approve"})  # another approver's is a first decision
    assert (other.status_code, other.json()["status"]) == (200, "approved"), other.text
    assert REPLAYED_HEADER not in other.headers


def test_another_decision_after_ones_own_or_on_a_closed_request_stays_a_conflict(env: Env) -> None:
    _, path = _approval(env, FLOW["id"])
    assert env.call("POST", path, "approver", json={"decision": "approve"}).status_code == 200
    changed = env.call("POST", path, "approver", json={"decision": "reject"})
    assert "you decided 'approve'" in assert_problem(changed, 409, "version-conflict")["detail"]
    assert REPLAYED_HEADER not in changed.headers
    late = env.call("POST", path, SECOND, json={"decision": "approve"})  # decided by approver-acme before
    assert "decided already: approved by approver-acme" in assert_problem(late, 409, "approval-closed")["detail"]
    assert REPLAYED_HEADER not in late.headers


def test_the_document_names_the_header_on_the_decision(env: Env) -> None:
    document = env.client.get("/schema/openapi.json").json()
    decided = document["paths"]["/api/approvals/{approval_id}/decision"]["post"]["responses"]["200"]
    assert decided["headers"][REPLAYED_HEADER]["schema"] == {"type": "string"}
    assert decided["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ApprovalDetail"}
