"""Two identical decisions by one approver racing each other without an idempotency key — a double click, two tabs
— both get past the designer's own look for an earlier decision before either is written. The one that loses (it
waits for the winner on the instance's row) is answered as a replay of the winner's decision: `200`, the request
as the winner left it, and `Idempotent-Replayed: true`, as a repeat sent after the first answer is. Before, it got
the same `200` without the header, so a client could not tell it from a decision of its own. A different decision
racing one's own is still refused, `409 version-conflict`."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from designer_support import MINIMAL_WORKFLOW, Env, assert_problem

import designer.approval_decisions
from designer.replayed_answers import REPLAYED_HEADER
from engine.read_models.approvals import ApprovalRecordView

FLOW = copy.deepcopy(MINIMAL_WORKFLOW)
FLOW["id"] = "racing_decisions_flow"
QUORUM = copy.deepcopy(MINIMAL_WORKFLOW)
QUORUM["id"] = "racing_quorum_flow"
QUORUM["states"]["review"]["quorum"] = 2


@pytest.fixture(scope="module", autouse=True)
def deployed(env: Env) -> None:
    env.services.engine.deploy(FLOW)
    env.services.engine.deploy(QUORUM)


@pytest.fixture
def both_look_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """The two requests' first look at the approval (`decide`'s check for a decision of mine) made before either
    goes on to decide: the race, every time."""
    looked = threading.Barrier(2)
    first_look = threading.local()
    read: Callable[..., ApprovalRecordView | None] = designer.approval_decisions.get_approval

    def look_then_wait(*args: Any, **kwargs: Any) -> ApprovalRecordView | None:
        found = read(*args, **kwargs)
        if not getattr(first_look, "done", False):
            first_look.done = True
            looked.wait(timeout=30)
        return found

    monkeypatch.setattr(designer.approval_decisions, "get_approval", look_then_wait)


def _approval(env: Env, workflow_id: str) -> str:
    """A new instance waiting in its approval: the decision's path."""
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": workflow_id})
    assert started.status_code == 201, started.text
    (approval,) = env.call("GET", f"/api/instances/{started.json()['id']}", "viewer").json()["pending_approvals"]
    return f"/api/approvals/{approval['id']}/decision"


def _at_once(env: Env, path: str, *bodies: dict[str, Any]) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(lambda body: env.call("POST", path, "approver", json=body), bodies))


@pytest.mark.parametrize("workflow_id", [FLOW["id"], QUORUM["id"]], ids=["deciding", "one-of-two"])
def test_the_loser_of_two_identical_decisions_is_answered_as_a_replay(env: Env, both_look_first: None,
                                                                      workflow_id: str) -> None:
    path = _approval(env, workflow_id)
    decision = {"decision": "approve", "comment": "fine"}
    answers = _at_once(env, path, decision, dict(decision))
    assert [answer.status_code for answer in answers] == [200, 200], [answer.text for answer in answers]
    assert sorted(answer.headers.get(REPLAYED_HEADER, "absent") for answer in answers) == ["absent", "true"]
    assert answers[0].json() == answers[1].json()  # the winner's decision, as it left the request
    detail = answers[0].json()
    assert detail["status"] == ("approved" if workflow_id == FLOW["id"] else "pending")
    assert detail["approvals"] == 1  # taken once


def test_a_different_decision_racing_ones_own_is_still_a_conflict(env: Env, both_look_first: None) -> None:
    path = _approval(env, QUORUM["id"])
    answers = _at_once(env, path, {"decision": "approve"}, {"decision": "reject"})
    taken = [answer for answer in answers if answer.status_code == 200]
    refused = [answer for answer in answers if answer.status_code != 200]
    assert (len(taken), len(refused)) == (1, 1), [answer.text for answer in answers]
    assert REPLAYED_HEADER not in taken[0].headers
    assert_problem(refused[0], 409, "version-conflict")
    assert REPLAYED_HEADER not in refused[0].headers
