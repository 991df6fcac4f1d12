"""A decision's idempotency key is the deciding actor's own (docs/runtime.md, invariant 3).

Keys were kept per instance: approver2's approval under key `D1` was refused with 422 because another approver had
already used `D1` on the same approval — one user could block another's decision by reusing a key. Now the same key
from another actor is another request; a repeat by the same actor answers the first response, and another request
by them under the key is still refused. A receipt kept before the change (under `approval:<instance>`) still
answers its actor's exact repeat."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from runtime_support import assert_consistent, edge, final, workflow

from engine.errors import InvalidInput
from engine.runtime.engine import Engine


def _review(quorum: int) -> Any:
    state = {"type": "approval", "approvers": {"roles": ["manager"]}, "quorum": quorum}
    return workflow(
        {"review": state, "approved": final(result={"by": "approved_by"}), "rejected": final("failure")},
        [edge("review", "approved", "approve", assign={"approved_by": "event.approvers"}),
         edge("review", "rejected", "reject")],
        id="review", context={"type": "object"},
    )


def test_two_approvers_with_the_same_key_both_decide(engine: Engine) -> None:
    engine.deploy(_review(quorum=2))
    run = engine.start("review", {})
    first = engine.approve(run.id, actor="approver1", roles=["manager"], comment="ok", idempotency_key="D1")
    assert (first.state, first.version) == ("review", run.version)
    second = engine.approve(run.id, actor="approver2", roles=["manager"], comment="ok", idempotency_key="D1")
    assert (second.state, second.status, second.result) == ("approved", "succeeded",
                                                            {"by": ["approver1", "approver2"]})
    (approval,) = engine.approvals(run.id)
    assert (approval.status, [d["actor"] for d in approval.decisions]) == ("approved", ["approver1", "approver2"])
    # each repeat answers that actor's own first response, adding nothing
    assert engine.approve(run.id, actor="approver1", roles=["manager"], comment="ok", idempotency_key="D1") == first
    assert engine.approve(run.id, actor="approver2", roles=["manager"], comment="ok", idempotency_key="D1") == second
    assert len(engine.history(run.id)) == second.version
    assert_consistent(engine, run.id)


def test_another_request_by_the_same_actor_under_their_key_is_still_refused(engine: Engine) -> None:
    engine.deploy(_review(quorum=3))
    run = engine.start("review", {})
    engine.approve(run.id, actor="approver1", roles=["manager"], comment="ok", idempotency_key="D1")
    with pytest.raises(InvalidInput, match="idempotency key 'D1' was used before for another request"):
        engine.approve(run.id, actor="approver1", roles=["manager"], comment="changed", idempotency_key="D1")
    with pytest.raises(InvalidInput, match="idempotency key 'D1' was used before for another request"):
        engine.reject(run.id, actor="approver1", roles=["manager"], idempotency_key="D1")
    # another approver rejecting under the same key is their own request: it rejects
    done = engine.reject(run.id, actor="approver2", roles=["manager"], comment="no", idempotency_key="D1")
    assert (done.state, done.status) == ("rejected", "failed")
    (approval,) = engine.approvals(run.id)
    assert [(d["actor"], d["decision"]) for d in approval.decisions] == [("approver1", "approve"),
                                                                         ("approver2", "reject")]


def test_a_receipt_kept_before_keys_were_scoped_by_actor_answers_that_actors_repeat(engine: Engine) -> None:
    engine.deploy(_review(quorum=2))
    run = engine.start("review", {})
    first = engine.approve(run.id, actor="approver1", roles=["manager"], idempotency_key="D1")
    with engine.database.begin() as connection:  # as it was kept before: per instance only
        moved = connection.execute(sa.text("UPDATE receipts SET scope = :old WHERE key = 'D1'"),
                                   {"old": f"approval:{run.id}"})
        assert moved.rowcount == 1
    assert engine.approve(run.id, actor="approver1", roles=["manager"], idempotency_key="D1") == first
    # the old receipt is approver1's: approver2's decision under the same key is made, not refused
    done = engine.approve(run.id, actor="approver2", roles=["manager"], idempotency_key="D1")
    assert done.state == "approved"
    assert engine.approve(run.id, actor="approver1", roles=["manager"], idempotency_key="D1") == first
    assert engine.approve(run.id, actor="approver2", roles=["manager"], idempotency_key="D1") == done
    assert len(engine.history(run.id)) == done.version
