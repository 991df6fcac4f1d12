"""Migrating failed instances, on SQLite and PostgreSQL: one whose bug was in the definition moves to the fixed
version as it is — its state kept (or mapped), still failed, its error kept — in one transaction with its
`(migrate)` history row, and its redrive then resumes it under the new version; what cannot move that way is
refused with the reason and left where it failed. And moving an instance into a final state takes an explicit
`allow_final` (docs/runtime.md#migrating-running-instances)."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, task, workflow

from engine.definition import Workflow
from engine.errors import InvalidInput
from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine
from engine.runtime.snapshot import MIGRATE, REDRIVE

SCHEMA = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "number"}}}


def _refund(version: int, *, reads: str, context: dict[str, Any] | None = None,
            done: str = "refunded") -> Workflow:
    """issue (task) → `done` (final, its result reading `reads`) | rejected (final, failure, on error)."""
    return workflow({"issue": task("issue_refund", output="refund"),
                     done: final(result={"refund_id": reads}), "rejected": final("failure")},
                    [edge("issue", done, "done"), edge("issue", "rejected", "error")],
                    id="refund", version=version, context=context or {"type": "object"})


def _issue(request: ActionRequest) -> dict[str, Any]:
    if request.context.get("declined"):
        raise RuntimeError("the payment provider declined it")
    return {"refund_id": f"R-{request.context['order']}"}  # the flow's version 1 reads refund.id: a bug


def _failed(engine: Engine, order: str = "O-1", **context: Any) -> str:
    """An instance of version 1 that failed in 'refunded': its result reads a key the refund does not have."""
    started = engine.start("refund", {"order": order, "amount": 40, **context}).id
    engine.run_until_idle()
    failed = engine.get(started)
    assert (failed.state, failed.status) == ("refunded", "failed"), failed
    return started


@pytest.fixture
def fixed(engine: Engine) -> Engine:
    engine.register("issue_refund", _issue)
    engine.deploy(_refund(1, reads="refund.id"))
    return engine


def test_a_failed_instance_moves_to_the_fixed_version_and_its_redrive_resumes_it_there(fixed: Engine) -> None:
    failed = _failed(fixed)
    fixed.deploy(_refund(2, reads="refund.refund_id"))

    preview = fixed.migration_preview("refund", 1, 2)
    counts = preview.counts()
    assert (counts["instances"], counts["failed_or_stuck"], counts["would_migrate"], counts["refused"]) == (1, 1, 1, 0)
    [group] = counts["groups"]
    assert (group["state"], group["target_state"], group["entry"], group["refused"]) == (
        "refunded", "refunded", "awaits_redrive", None)
    assert "`redrive` then resumes it under version 2" in group["notes"][0]
    assert fixed.get(failed).workflow_version == 1  # a preview changes nothing

    report = fixed.migrate("refund", 1, 2, actor="ops")
    assert report.migrated == (failed,)
    moved = fixed.get(failed)
    assert (moved.workflow_version, moved.state, moved.status) == (2, "refunded", "failed")
    assert moved.error is not None
    assert "refund.id" in str(moved.error)
    last = fixed.history(failed)[-1]
    assert (last.event, last.actor, last.from_state, last.to_state, last.status) == (
        MIGRATE, "ops", "refunded", "refunded", "failed")
    assert (last.payload["from_version"], last.payload["to_version"], last.payload["entry"]) == (1, 2,
                                                                                                 "awaits_redrive")
    assert_consistent(fixed, failed)

    resumed = fixed.redrive(failed, actor="ops")  # under version 2: its result reads the right key
    assert (resumed.status, resumed.result) == ("succeeded", {"refund_id": "R-O-1"})
    assert fixed.history(failed)[-1].event == REDRIVE
    assert_consistent(fixed, failed)


def test_of_the_failed_only_those_a_redrive_could_resume_are_listed(fixed: Engine) -> None:
    failed = _failed(fixed)
    ended = fixed.start("refund", {"order": "O-2", "amount": 1, "declined": True}).id
    fixed.run_until_idle()
    assert (fixed.get(ended).state, fixed.get(ended).status) == ("rejected", "failed")
    fixed.deploy(_refund(2, reads="refund.refund_id"))
    # 'rejected' is an end its workflow chose: nothing failed that could run again, nothing to migrate
    assert [p.instance_id for p in fixed.migration_preview("refund", 1, 2).plans] == [failed]
    assert fixed.migrate("refund", 1, 2).migrated == (failed,)
    assert fixed.get(ended).workflow_version == 1


def test_a_failed_instance_whose_context_does_not_fit_is_refused_with_what_to_do(fixed: Engine) -> None:
    failed = _failed(fixed, amount="forty")
    fixed.deploy(_refund(2, reads="refund.refund_id", context=SCHEMA))
    report = fixed.migrate("refund", 1, 2)
    [plan] = report.plans
    assert plan.refused == (
        "it is failed and waits for an operator, and its context does not fit the schema of version 2: redrive it "
        "with the corrections its context needs (a redrive may set context values), then migrate it again; or "
        "cancel it")
    assert report.counts()["refusals"] == [{"reason": plan.refused, "instances": 1}]
    assert (fixed.get(failed).workflow_version, fixed.get(failed).status) == (1, "failed")  # left untouched


def test_a_failed_instance_mapped_into_a_final_state_needs_allow_final(fixed: Engine) -> None:
    failed = _failed(fixed)
    fixed.deploy(_refund(2, reads="refund.refund_id", done="completed"))
    with pytest.raises(InvalidInput):  # 'refunded' is not in version 2: nowhere to go without a mapping
        fixed.migration_preview("refund", 1, 2, mapping={"refunded": "nowhere"})
    [plan] = fixed.migrate("refund", 1, 2, mapping={"refunded": "completed"}).plans
    assert plan.refused is not None
    assert plan.refused.startswith("'completed' is a final state of version 2: its redrive would end the instance "
                                   "there (outcome success) without running 'refunded'")
    assert "--allow-final" in plan.refused
    assert fixed.get(failed).workflow_version == 1

    report = fixed.migrate("refund", 1, 2, mapping={"refunded": "completed"}, allow_final=True)
    assert report.migrated == (failed,)
    assert (fixed.get(failed).state, fixed.get(failed).status) == ("completed", "failed")
    assert fixed.redrive(failed, actor="ops").status == "succeeded"


def _gate(version: int, *, extra: dict[str, Any] | None = None) -> Workflow:
    return workflow({"review": {"type": "approval", "approvers": {"roles": ["finance"]}}, "paid": final(),
                     "refused": final("failure"), **(extra or {})},
                    [edge("review", "paid", "approve"), edge("review", "refused", "reject")],
                    id="gate", version=version)


def test_a_waiting_instance_is_not_mapped_into_a_final_state_unless_allowed(engine: Engine) -> None:
    engine.deploy(_gate(1))
    waiting = engine.start("gate", {}).id
    engine.deploy(_gate(2))

    [plan] = engine.migration_preview("gate", 1, 2, mapping={"review": "paid"}).plans
    assert plan.refused is not None
    assert plan.refused.startswith("'paid' is a final state of version 2: the migration would end the instance "
                                   "there at once (outcome success), without its open work (approval #")
    assert plan.refused.endswith("map 'review' to a state that is not final, or allow moving instances into a final "
                                 "state explicitly (statewright migrate --allow-final; allow_final in the API)")
    assert engine.migrate("gate", 1, 2, mapping={"review": "paid"}).migrated == ()
    assert (engine.get(waiting).status, engine.get(waiting).workflow_version) == ("running", 1)

    allowed = engine.migration_preview("gate", 1, 2, mapping={"review": "paid"}, allow_final=True)
    assert allowed.plans[0].refused is None
    assert allowed.counts()["allow_final"] is True
    assert "the instance ends there" in allowed.plans[0].notes[0]
    engine.migrate("gate", 1, 2, mapping={"review": "paid"}, allow_final=True, actor="ops")
    assert (engine.get(waiting).state, engine.get(waiting).status) == ("paid", "succeeded")
