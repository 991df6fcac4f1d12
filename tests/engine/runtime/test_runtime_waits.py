"""Wait states: a duration, a deadline, or an awaited event matched by correlation key (with a timeout)."""

from __future__ import annotations

import pytest
from runtime_support import assert_consistent, edge, final, workflow

from engine.definition import Workflow
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine


def test_a_duration_wait_fires_done_when_the_time_has_passed(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(workflow({"cool_off": {"type": "wait", "duration": "P3D"}, "go": final()},
                           [edge("cool_off", "go", "done")]))
    run = engine.start("flow")
    clock.advance(3 * 86400 - 1)
    engine.run_until_idle()
    assert engine.get(run.id).state == "cool_off"
    clock.advance(1)
    engine.run_until_idle()
    assert engine.get(run.id).state == "go"
    assert_consistent(engine, run.id)


def test_a_deadline_wait_fires_at_the_computed_time(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(workflow({"until": {"type": "wait", "deadline": "timestamp(now) + duration('90m')"},
                            "go": final()}, [edge("until", "go", "done")]))
    run = engine.start("flow")
    clock.advance(89 * 60)
    engine.run_until_idle()
    assert engine.get(run.id).state == "until"
    clock.advance(60)
    engine.run_until_idle()
    assert engine.get(run.id).state == "go"



def _deadline_from_context() -> Workflow:
    return workflow({"hold": {"type": "wait", "deadline": "at"}, "go": final()}, [edge("hold", "go", "done")],
                    context={"type": "object", "properties": {"at": {"type": "string"}}})


@pytest.mark.parametrize("at", ["2030-01-15T13:00:00Z", "2030-01-15t13:00:00z", "2030-01-15T15:00:00+02:00",
                                "2030-01-15T12:59:59.5-00:00"])
def test_a_deadline_in_any_rfc_3339_spelling_fires_at_that_instant(engine: Engine, clock: ManualClock,
                                                                   at: str) -> None:
    engine.deploy(_deadline_from_context())
    run = engine.start("flow", {"at": at})
    clock.advance(3600 - 1)
    engine.run_until_idle()
    assert engine.get(run.id).state == "hold"
    clock.advance(1)
    engine.run_until_idle()
    assert engine.get(run.id).state == "go"


def test_a_deadline_without_an_offset_fails_the_instance_saying_so(engine: Engine) -> None:
    engine.deploy(_deadline_from_context())
    run = engine.start("flow", {"at": "2030-01-15T13:00:00"})
    failed = engine.get(run.id)
    assert failed.status == "failed"
    assert failed.error is not None
    assert failed.error["payload"] == {"kind": "input", "message": "at: '2030-01-15T13:00:00' has no UTC offset: "
                                                                   "end it with Z (UTC) or an offset such as +02:00"}

def _payment() -> Workflow:
    return workflow(
        {"await_payment": {"type": "wait", "event": {"type": "payment_received", "correlation": "order_id"},
                           "timeout": "PT2H", "output": "payment"},
         "paid": final(result={"amount": "payment.amount"}), "unpaid": final("failure")},
        [edge("await_payment", "paid", "done"), edge("await_payment", "unpaid", "timeout")],
        id="order", context={"type": "object", "properties": {"order_id": {"type": "string"}}},
    )


def test_an_event_wait_resumes_only_the_instance_with_the_matching_key(engine: Engine) -> None:
    engine.deploy(_payment())
    first = engine.start("order", {"order_id": "A-1"})
    second = engine.start("order", {"order_id": "B-2"})
    published = engine.publish("payment_received", {"amount": 40}, correlation_key="B-2")
    assert published.delivered == [second.id]
    assert published.started == []
    assert engine.get(first.id).state == "await_payment"
    done = engine.get(second.id)
    assert done.state == "paid"
    assert done.context["payment"] == {"amount": 40}
    assert done.result == {"amount": 40}
    other_tenant = engine.publish("payment_received", {"amount": 1}, correlation_key="A-1", tenant="elsewhere")
    assert other_tenant.delivered == []
    assert_consistent(engine, second.id)


def test_an_event_wait_times_out_and_a_late_event_reaches_nobody(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_payment())
    run = engine.start("order", {"order_id": "A-1"})
    clock.advance(2 * 3600)
    engine.run_until_idle()
    assert engine.get(run.id).state == "unpaid"
    late = engine.publish("payment_received", {"amount": 40}, correlation_key="A-1")
    assert late.delivered == []
    assert [h.event for h in engine.history(run.id)] == ["(start)", "timeout"]


def test_the_event_disarms_the_timeout(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_payment())
    run = engine.start("order", {"order_id": "A-1"})
    engine.publish("payment_received", {"amount": 3}, correlation_key="A-1")
    clock.advance(3 * 3600)
    engine.run_until_idle()
    assert [h.event for h in engine.history(run.id)] == ["(start)", "done"]
