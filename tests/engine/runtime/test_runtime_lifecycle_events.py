"""The engine's lifecycle events on the event bus: published from the transaction that commits the transition
they report, under the reserved `statewright.` prefix, and only while something subscribes (by default)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from runtime_support import edge, final, finished, task, workflow

from engine.errors import InvalidDefinition, InvalidInput
from engine.runtime.actions import ActionError, ActionRequest, ActionResult, Cost
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from storage.events import EventRecord, EventStore

ORDERS = workflow(
    {"charge": task("charge", output="receipt",
                    retry=[{"errors": ["unavailable"], "max_attempts": 2, "initial_interval_s": 1, "jitter": False}]),
     "done": final(), "refused": final("failure")},
    [edge("charge", "done", "done"), edge("charge", "refused", "error", errors=["card_declined"])],
    id="orders",
)

WATCHER = workflow(
    {"look": final()}, [], id="watcher",
    starts_on=[{"event": "statewright.instance.finished",
                "condition": "event.workflow_id == 'orders' && event.status == 'failed'",
                "context": {"failed": "event.instance_id", "ended_in": "event.state", "cost": "event.cost"}}],
)


def _charge(engine: Engine, failures: list[str]) -> None:
    """Each call pops the next failure kind ('' succeeds); every attempt costs 0.25."""

    @engine.register("charge")
    def charge(request: ActionRequest) -> ActionResult:
        kind = failures.pop(0) if failures else ""
        if kind:
            raise ActionError(kind, f"the card service said {kind}", retryable=kind == "unavailable",
                              cost=Cost(amount=0.25, tokens=10, model="m"))
        return ActionResult({"paid": request.input.get("amount", 1)}, Cost(amount=0.25, tokens=10, model="m"))


def _events(engine: Engine, event_type: str) -> list[EventRecord]:
    return list(reversed(engine.runtime.read(lambda tx: EventStore(tx).recent(event_type=event_type))))


def test_a_flow_starts_on_another_workflows_failed_instances_only(engine: Engine) -> None:
    engine.deploy(ORDERS)
    engine.deploy(WATCHER)
    _charge(engine, ["", "card_declined"])
    ok = finished(engine, engine.start("orders", {}))
    refused = finished(engine, engine.start("orders", {}))
    assert (ok.status, refused.status) == ("succeeded", "failed")
    engine.run_until_idle()
    (watch,) = engine.list_instances(workflow_id="watcher")
    assert engine.get(watch.id).context == {"failed": refused.id, "ended_in": "refused", "cost": 0.25}
    finishes = [e.payload for e in _events(engine, "statewright.instance.finished")]
    assert [(p["instance_id"], p["status"]) for p in finishes if p["workflow_id"] == "orders"] == [
        (ok.id, "succeeded"), (refused.id, "failed")]
    assert all(e.correlation_key == e.payload["instance_id"] for e in _events(engine, "statewright.instance.finished"))


def test_task_events_carry_outcome_error_kind_and_cost_once_per_task_not_per_retry(
        database_url: str, clock: ManualClock) -> None:
    with Engine(database_url, clock=clock, rng=random.Random(1), lifecycle_events="all") as engine:
        engine.deploy(ORDERS)
        _charge(engine, ["unavailable", "", "card_declined"])
        paid = engine.start("orders", {})
        engine.run_until_idle()
        clock.advance(5)
        paid = finished(engine, paid)
        refused = finished(engine, engine.start("orders", {}))
        (completed,) = [e.payload for e in _events(engine, "statewright.task.completed")]
        (failed,) = [e.payload for e in _events(engine, "statewright.task.failed")]
    assert paid.status == "succeeded"
    assert {k: completed[k] for k in ("instance_id", "workflow_id", "workflow_version", "tenant", "state",
                                      "action", "outcome", "next_state", "cost", "error_kind")} == {
        "instance_id": paid.id, "workflow_id": "orders", "workflow_version": 1, "tenant": "default",
        "state": "charge", "action": "charge", "outcome": "completed", "next_state": "done", "cost": 0.25,
        "error_kind": None}
    assert (failed["instance_id"], failed["outcome"], failed["error_kind"], failed["next_state"], failed["cost"]) == (
        refused.id, "failed", "card_declined", "refused", 0.25)
    assert failed["error"]["message"] == "the card service said card_declined"


def test_an_instance_waits_for_another_instance_to_finish_by_its_id(engine: Engine) -> None:
    engine.deploy(ORDERS)
    engine.deploy(workflow(
        {"hold": {"type": "wait", "event": {"type": "statewright.instance.finished", "correlation": "order"},
                  "output": "finish"}, "after": final()},
        [edge("hold", "after", "done")], id="follower"))
    _charge(engine, [""])
    order = engine.start("orders", {})
    follower = engine.start("follower", {"order": order.id})
    other = engine.start("follower", {"order": "someone-else"})
    engine.run_until_idle()
    resumed = engine.get(follower.id)
    assert resumed.status == "succeeded"
    assert resumed.context["finish"]["status"] == "succeeded"
    assert resumed.context["finish"]["cost"] == 0.25
    assert engine.get(other.id).state == "hold"


def test_approval_needed_names_the_approval_and_its_approvers(engine: Engine) -> None:
    engine.deploy(workflow(
        {"review": {"type": "approval", "approvers": {"roles": ["manager"]}, "request": {"amount": "amount"}},
         "ok": final(), "no": final("failure")},
        [edge("review", "ok", "approve"), edge("review", "no", "reject")], id="spend"))
    engine.deploy(workflow({"notify": final()}, [], id="pager", starts_on=[
        {"event": "statewright.approval.needed", "context": {"approval": "event.approval_id", "roles": "event.roles",
                                                             "request": "event.request"}}]))
    run = engine.start("spend", {"amount": 42})
    engine.run_until_idle()
    (pending,) = engine.approvals(run.id)
    (page,) = engine.list_instances(workflow_id="pager")
    assert engine.get(page.id).context == {"approval": pending.id, "roles": ["manager"], "request": {"amount": 42}}


def test_nothing_is_published_while_nothing_subscribes_or_when_turned_off(
        engine: Engine, database_url: str, clock: ManualClock) -> None:
    engine.deploy(ORDERS)
    _charge(engine, ["", ""])
    finished(engine, engine.start("orders", {}))
    assert engine.runtime.read(lambda tx: EventStore(tx).recent()) == []
    with Engine(database_url, clock=clock, lifecycle_events="off") as off:
        off.deploy(WATCHER)
        _charge(off, ["card_declined"])
        finished(off, off.start("orders", {}))
        assert off.list_instances(workflow_id="watcher") == []
        assert off.runtime.read(lambda tx: EventStore(tx).recent()) == []


def test_the_reserved_prefix_is_refused_to_publishers_and_unknown_lifecycle_types_to_definitions(
        engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="reserved"):
        engine.publish("statewright.instance.finished", {"status": "succeeded"})
    bad: dict[str, Any] = {"id": "typo", "title": "typo", "initial": "a", "states": {"a": final()}, "transitions": [],
                           "starts_on": [{"event": "statewright.instance.finish"}]}
    with pytest.raises(InvalidDefinition, match="reserved prefix"):
        engine.deploy(bad)
