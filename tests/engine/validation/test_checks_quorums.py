"""`unreachable-quorum`: a join waiting for more branches than its parallel state has (which the engine silently
capped at run time: `min(quorum, total)`), and an approval needing more approvals than the users it names can give
with no role to draw on (it can never be approved) — both validated clean before QA found them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine.definition import Join
from engine.runtime.joins import BranchEnd, join_verdict
from engine.validation.loader import load_workflow

_BRANCH = {"initial": "work", "states": {"work": {"type": "task", "action": "work"}, "ok": {"type": "final"},
                                         "bad": {"type": "final", "outcome": "failure"}},
           "transitions": [{"source": "work", "trigger": "done", "dest": "ok"},
                           {"source": "work", "trigger": "error", "dest": "bad"}]}

FLOW: dict[str, Any] = {
    "id": "quorums", "title": "Quorums", "initial": "both",
    "states": {
        "both": {"type": "parallel", "join": {"mode": "quorum", "quorum": 2},
                 "branches": [{"name": "credit", **_BRANCH}, {"name": "fraud", **_BRANCH}]},
        "review": {"type": "approval", "approvers": {"users": ["ann"]}, "quorum": 1, "timeout": "P1D"},
        "approved": {"type": "final"},
        "rejected": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "both", "trigger": "done", "dest": "review"},
        {"source": "both", "trigger": "error", "dest": "rejected"},
        {"source": "review", "trigger": "approve", "dest": "approved"},
        {"source": "review", "trigger": "reject", "dest": "rejected"},
        {"source": "review", "trigger": "timeout", "dest": "rejected"},
    ],
}


def _flow(join_quorum: int = 2, **review: Any) -> dict[str, Any]:
    document = copy.deepcopy(FLOW)
    document["states"]["both"]["join"]["quorum"] = join_quorum
    document["states"]["review"].update(review)
    return document


def _found(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f.code, f.pointer, f.message) for f in load_workflow(document).findings]


def test_quorums_that_can_be_met_have_no_findings() -> None:
    assert _found(_flow()) == []


def test_a_join_quorum_above_the_branches_is_an_error_saying_how_many_there_are() -> None:
    ((code, where, message),) = _found(_flow(join_quorum=5))
    assert (code, where) == ("unreachable-quorum", "/states/both/join/quorum")
    assert "waits for 5 branches to succeed, but 'both' has only 2 branches ('credit' and 'fraud')" in message
    assert "Set `quorum` to at most 2" in message
    assert load_workflow(_flow(join_quorum=5)).model is None


def test_the_engine_would_settle_for_all_branches_which_the_finding_says() -> None:
    """The silent cap the finding replaces: two successes out of two satisfy a quorum of 5."""
    ends = [BranchEnd(name, f"i-{name}", "succeeded", {}) for name in ("credit", "fraud")]
    assert join_verdict(Join(mode="quorum", quorum=5), ends, {}).outcome == "done"


def test_a_join_quorum_inside_a_branch_is_checked_too() -> None:
    inner = copy.deepcopy(FLOW["states"]["both"])
    inner["join"]["quorum"] = 3
    document = _flow()
    credit = document["states"]["both"]["branches"][0]
    credit["states"] = {**credit["states"], "work": inner}
    ((code, where, message),) = _found(document)
    assert (code, where) == ("unreachable-quorum", "/states/both/branches/0/states/work/join/quorum")
    assert message.startswith("In parallel state 'both' \u203a branch 'credit' \u203a state 'work': The join of 'work'")


@pytest.mark.parametrize(("review", "people"), [
    ({"quorum": 3}, "1 person ('ann')"),
    ({"quorum": 2, "approvers": {"users": ["ann", "ann"]}}, "1 person ('ann')"),
    ({"quorum": 4, "approvers": {"users": ["ann"]}, "escalation": {"after": "PT1H", "to": {"users": ["bob"]}}},
     "2 people ('ann' and 'bob')"),
])
def test_an_approval_quorum_above_its_users_with_no_role_is_an_error(review: dict[str, Any], people: str) -> None:
    ((code, where, message),) = _found(_flow(**review))
    assert (code, where) == ("unreachable-quorum", "/states/review/quorum")
    assert f"needs {review['quorum']} approvals" in message
    assert f"name only {people} and no role" in message
    assert "it can never be approved" in message


@pytest.mark.parametrize("review", [
    {"quorum": 3, "approvers": {"users": ["ann"], "roles": ["manager"]}},
    {"quorum": 3, "approvers": {"roles": ["manager"]}},
    {"quorum": 3, "escalation": {"after": "PT1H", "to": {"roles": ["cfo"]}}},
    {"quorum": 2, "escalation": {"after": "PT1H", "to": {"users": ["bob"]}}},
    {"quorum": 2, "approvers": {"users": ["ann", "bob"]}},
])
def test_an_approval_quorum_members_of_a_role_or_enough_users_can_meet_is_fine(review: dict[str, Any]) -> None:
    assert _found(_flow(**review)) == []
