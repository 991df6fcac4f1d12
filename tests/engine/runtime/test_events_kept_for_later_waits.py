"""An event published with a correlation key before its instance reaches the wait for it (a payment provider's
webhook that beats the flow to its wait) is kept, and the first wait state that arms with its key takes it. It was
dropped: the instance waited out its timeout, and `publish` reported nothing wrong."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import edge, final, task, workflow

from engine.errors import InvalidInput
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

REFUND = workflow(
    {"pay": task("pay"),
     "await_settlement": {"type": "wait", "event": {"type": "refund.settled", "correlation": "order_id"},
                          "timeout": "PT10M"},
     "settled": final(), "reconcile": final("failure")},
    [edge("pay", "await_settlement", "done"),
     edge("await_settlement", "settled", "done", assign={"settlement": "event"}),
     edge("await_settlement", "reconcile", "timeout")],
    id="refund", context={"type": "object", "properties": {"order_id": {"type": "string"}}},
)


@pytest.fixture
def refunds(engine: Engine) -> Engine:
    engine.register("pay", lambda _: {})
    engine.deploy(REFUND)
    return engine


def _finish(engine: Engine, clock: ManualClock, instance_id: str) -> tuple[str, dict[str, Any]]:
    engine.run_until_idle()
    clock.advance(601)  # past the wait's timeout
    engine.run_until_idle()
    view = engine.get(instance_id)
    return view.state, view.context


def test_an_event_published_before_the_wait_is_taken_when_the_wait_arms(refunds: Engine, clock: ManualClock) -> None:
    run = refunds.start("refund", {"order_id": "O-1"})  # its task not run yet: no wait armed
    early = refunds.publish("refund.settled", {"ref": "S-1"}, correlation_key="O-1")
    assert (early.delivered, early.unmatched, early.listened) == ([], False, True)
    assert early.kept_until == pytest.approx(clock.now() + 3600)

    assert _finish(refunds, clock, run.id) == ("settled", {"order_id": "O-1", "settlement": {"ref": "S-1"}})
    assert [h.event for h in refunds.history(run.id)][-1] == "done"


def test_only_the_first_wait_takes_a_kept_event(refunds: Engine, clock: ManualClock) -> None:
    first = refunds.start("refund", {"order_id": "O-2"})
    refunds.publish("refund.settled", {"ref": "S-2"}, correlation_key="O-2")
    refunds.run_until_idle()
    second = refunds.start("refund", {"order_id": "O-2"})  # the same key, later: the event is taken
    assert _finish(refunds, clock, first.id)[0] == "settled"
    assert _finish(refunds, clock, second.id)[0] == "reconcile"


def test_an_event_a_waiting_instance_took_is_not_kept(refunds: Engine, clock: ManualClock) -> None:
    waiting = refunds.start("refund", {"order_id": "O-3"})
    refunds.run_until_idle()
    taken = refunds.publish("refund.settled", {"ref": "S-3"}, correlation_key="O-3")
    assert (taken.delivered, taken.kept_until) == ([waiting.id], None)
    later = refunds.start("refund", {"order_id": "O-3"})
    assert _finish(refunds, clock, later.id)[0] == "reconcile"


def test_a_kept_event_goes_after_keep_for(refunds: Engine, clock: ManualClock) -> None:
    short = refunds.publish("refund.settled", {"ref": "S-4"}, correlation_key="O-4", keep_for=60)
    assert short.kept_until == pytest.approx(clock.now() + 60)
    clock.advance(61)
    run = refunds.start("refund", {"order_id": "O-4"})
    assert _finish(refunds, clock, run.id)[0] == "reconcile"


def test_keep_for_zero_keeps_nothing_and_says_so(refunds: Engine, clock: ManualClock) -> None:
    result = refunds.publish("refund.settled", {"ref": "S-5"}, correlation_key="O-5", keep_for=0)
    assert (result.kept_until, result.unmatched) == (None, True)
    run = refunds.start("refund", {"order_id": "O-5"})
    assert _finish(refunds, clock, run.id)[0] == "reconcile"
    with pytest.raises(InvalidInput, match="keep_for"):
        refunds.publish("refund.settled", {}, correlation_key="O-5", keep_for=-1)


def test_an_event_without_a_key_is_not_kept(refunds: Engine) -> None:
    result = refunds.publish("refund.settled", {"ref": "S-6"})
    assert (result.kept_until, result.unmatched) == (None, True)


def test_a_misspelt_event_type_is_unmatched(refunds: Engine) -> None:
    result = refunds.publish("refund.setled", {"ref": "S-7"}, correlation_key="O-7")
    assert (result.unmatched, result.listened) == (True, False)


def test_a_wait_entered_again_does_not_take_the_event_it_took_before(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(workflow(
        {"hold": {"type": "wait", "event": {"type": "ping", "correlation": "key"}, "timeout": "PT1M"},
         "again": {"type": "choice"}, "done": final(), "gave_up": final("failure")},
        [edge("hold", "again", "done", assign={"pings": "pings + 1"}), edge("hold", "gave_up", "timeout"),
         edge("again", "hold", guard="pings < 2"), edge("again", "done")],
        id="pinger",
        context={"type": "object", "properties": {"key": {"type": "string"}, "pings": {"type": "integer"}}},
    ))
    run = engine.start("pinger", {"key": "K", "pings": 0})
    assert engine.publish("ping", {}, correlation_key="K").delivered == [run.id]
    engine.run_until_idle()
    assert engine.get(run.id).state == "hold"  # back at the wait, which the first ping must not reach again
    clock.advance(61)
    engine.run_until_idle()
    assert engine.get(run.id).state == "gave_up"


def test_a_reply_published_before_an_ask_does_not_answer_it(engine: Engine, clock: ManualClock) -> None:
    def fails(_: dict[str, Any]) -> dict[str, Any]:
        raise ValueError("no address")

    engine.register("lookup", fails)
    engine.deploy(workflow(
        {"find": task("lookup", ask_user={"errors": ["*"], "timeout": "PT10M"}), "found": final(),
         "lost": final("failure")},
        [edge("find", "found", "done"), edge("find", "lost", "error")], id="asker"))
    run = engine.start("asker", {})
    engine.publish("user_reply", {"address": "early"}, correlation_key=run.id)
    engine.run_until_idle()
    assert engine.get(run.id).state == "find"  # asking: the early reply does not answer the question
    clock.advance(601)
    engine.run_until_idle()
    assert engine.get(run.id).state == "lost"
