"""Approval states: who may decide, quorum, idempotent repeats, rejection, timeout and escalation."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, workflow

from engine.errors import NotAuthorized, TransitionNotAllowed, VersionConflict
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine


def _review(**approval: Any) -> Any:
    state = {"type": "approval", "approvers": {"roles": ["manager"], "users": ["carol"]},
             "request": {"amount": "amount"}, **approval}
    return workflow(
        {"review": state, "approved": final(result={"by": "approved_by"}), "rejected": final("failure"),
         "expired": final("failure")},
        [edge("review", "approved", "approve", assign={"approved_by": "event.approvers"}),
         edge("review", "rejected", "reject"), edge("review", "expired", "timeout")],
        id="review", context={"type": "object", "properties": {"amount": {"type": "number"}}},
    )


def test_a_listed_user_or_role_decides_and_nobody_else(engine: Engine) -> None:
    engine.deploy(_review())
    run = engine.start("review", {"amount": 120})
    (pending,) = engine.pending_approvals(roles=["manager"])
    assert pending.instance_id == run.id
    assert pending.request == {"amount": 120}
    assert sorted(pending.roles) == ["manager"]
    assert pending.users == ["carol"]
    assert engine.pending_approvals(user="carol") == [pending]
    assert engine.pending_approvals(user="mallory", roles=["clerk"]) == []
    with pytest.raises(NotAuthorized, match="'mallory' may not decide"):
        engine.approve(run.id, actor="mallory", roles=["clerk"])
    assert engine.get(run.id).version == run.version
    done = engine.approve(run.id, actor="dave", roles=["manager"], comment="fine")
    assert (done.state, done.status, done.result) == ("approved", "succeeded", {"by": ["dave"]})
    approve_row = engine.history(run.id)[-1]
    assert approve_row.actor == "dave"
    assert approve_row.payload["comment"] == "fine"
    assert engine.pending_approvals(roles=["manager"]) == []
    assert_consistent(engine, run.id)


def test_quorum_needs_that_many_distinct_approvers_and_repeats_count_once(engine: Engine) -> None:
    engine.deploy(_review(quorum=2))
    run = engine.start("review", {"amount": 5})
    first = engine.approve(run.id, actor="carol")
    assert first.state == "review"
    assert first.version == run.version
    again = engine.approve(run.id, actor="carol")
    assert again.state == "review"  # the same actor twice is still one approval
    (pending,) = engine.approvals(run.id)
    assert [d["actor"] for d in pending.decisions] == ["carol"]
    done = engine.approve(run.id, actor="erin", roles=["manager"])
    assert done.state == "approved"
    assert done.result == {"by": ["carol", "erin"]}
    repeat = engine.approve(run.id, actor="erin", roles=["manager"])
    assert repeat.state == "approved"
    assert repeat.version == done.version


def test_a_different_decision_by_the_same_actor_is_refused_and_changes_nothing(engine: Engine) -> None:
    """Checked where the instance's row is held: the designer's own check reads before it, so two decisions of
    one person racing (approve and reject clicked on two devices) were both answered 200, the loser's unapplied."""
    engine.deploy(_review(quorum=2))
    run = engine.start("review", {"amount": 5})
    engine.approve(run.id, actor="carol")
    with pytest.raises(VersionConflict, match=r"carol decided 'approve' on approval [0-9]+ already"):
        engine.reject(run.id, actor="carol")
    (pending,) = engine.approvals(run.id)
    assert (pending.status, [(d["actor"], d["decision"]) for d in pending.decisions]) == (
        "pending", [("carol", "approve")])
    done = engine.approve(run.id, actor="erin", roles=["manager"])
    assert done.state == "approved"
    with pytest.raises(VersionConflict, match="erin decided 'approve'"):  # after the approval closed
        engine.reject(run.id, actor="erin", roles=["manager"])
    assert engine.approve(run.id, actor="erin", roles=["manager"]).version == done.version
    assert engine.get(run.id).version == done.version
    assert_consistent(engine, run.id)


def test_one_rejection_rejects(engine: Engine) -> None:
    engine.deploy(_review(quorum=3))
    run = engine.start("review", {"amount": 5})
    engine.approve(run.id, actor="carol")
    done = engine.reject(run.id, actor="frank", roles=["manager"], comment="no budget")
    assert (done.state, done.status) == ("rejected", "failed")
    assert engine.approvals(run.id)[0].status == "rejected"


def test_an_idempotency_key_returns_the_first_answer(engine: Engine) -> None:
    engine.deploy(_review())
    run = engine.start("review", {"amount": 5})
    first = engine.approve(run.id, actor="carol", idempotency_key="click-1")
    again = engine.approve(run.id, actor="carol", idempotency_key="click-1")
    assert again == first
    assert len(engine.history(run.id)) == first.version


def test_approve_cannot_be_sent_as_a_plain_event(engine: Engine) -> None:
    engine.deploy(_review())
    run = engine.start("review", {"amount": 5})
    with pytest.raises(TransitionNotAllowed, match="authorised approver"):
        engine.send(run.id, "approve", actor="mallory")


def test_the_timeout_fires_once_when_due(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_review(timeout="PT48H"))
    run = engine.start("review", {"amount": 5})
    clock.advance(47 * 3600)
    engine.run_until_idle()
    assert engine.get(run.id).state == "review"
    clock.advance(3600)
    engine.run_until_idle()
    engine.run_until_idle()
    done = engine.get(run.id)
    assert done.state == "expired"
    assert [h.event for h in engine.history(run.id)].count("timeout") == 1
    assert engine.approvals(run.id)[0].status == "timed_out"
    with pytest.raises(TransitionNotAllowed):
        engine.approve(run.id, actor="carol")


def test_deciding_in_time_disarms_the_timeout(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_review(timeout="PT1H"))
    run = engine.start("review", {"amount": 5})
    engine.approve(run.id, actor="carol")
    clock.advance(7200)
    engine.run_until_idle()
    assert engine.get(run.id).state == "approved"
    assert [h.event for h in engine.history(run.id)] == ["(start)", "approve"]


def test_escalation_offers_the_request_to_more_approvers(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_review(timeout="PT48H", escalation={"after": "PT24H", "to": {"roles": ["director"]}}))
    run = engine.start("review", {"amount": 5})
    assert engine.pending_approvals(roles=["director"]) == []
    with pytest.raises(NotAuthorized):
        engine.approve(run.id, actor="zoe", roles=["director"])
    clock.advance(24 * 3600)
    engine.run_until_idle()
    assert [a.instance_id for a in engine.pending_approvals(roles=["director"])] == [run.id]
    assert engine.get(run.id).version == run.version  # escalation is not a transition
    assert engine.approve(run.id, actor="zoe", roles=["director"]).state == "approved"
