"""Events: `publish` starts the workflows whose `starts_on` matches and reaches waiting instances; events are
stored with their delivery, so a process that dies after publishing loses none."""

from __future__ import annotations

import logging
import random
from typing import Any

import pytest
from runtime_support import edge, final, workflow

from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.events import publish_in
from storage.events import EventStore

TICKETS = workflow(
    {"triage": {"type": "choice"}, "urgent": final(), "normal": final()},
    [edge("triage", "urgent", guard="priority == 'P1'", priority=1), edge("triage", "normal")],
    id="tickets",
    starts_on=[{"event": "ticket_opened", "condition": "event.channel != 'spam'",
                "context": {"priority": "event.priority", "subject": "event.subject"}}],
    context={"type": "object", "properties": {"priority": {"type": "string"}}, "required": ["priority"]},
)


def test_publish_starts_each_matching_workflow_once(engine: Engine) -> None:
    engine.deploy(TICKETS)
    result = engine.publish("ticket_opened", {"priority": "P1", "subject": "down", "channel": "mail"},
                            idempotency_key="mail-1")
    (started,) = result.started
    run = engine.get(started)
    assert (run.state, run.context) == ("urgent", {"priority": "P1", "subject": "down"})
    again = engine.publish("ticket_opened", {"priority": "P1", "subject": "down", "channel": "mail"},
                           idempotency_key="mail-1")
    assert again.duplicate
    assert again.event_id == result.event_id
    assert again.started == [started]
    assert len(engine.list_instances()) == 1


def test_the_publisher_is_recorded_on_the_event_and_the_transitions_it_causes(engine: Engine) -> None:
    engine.deploy(TICKETS)
    engine.deploy(workflow(
        {"hold": {"type": "wait", "event": {"type": "ticket_opened", "correlation": "queue"}}, "go": final()},
        [edge("hold", "go", "done")], id="holder"))
    waiting = engine.start("holder", {"queue": "q1"}, actor="ops")
    result = engine.publish("ticket_opened", {"priority": "P2", "subject": "slow", "channel": "web"},
                            correlation_key="q1", actor="dana")
    (started,) = result.started
    assert result.delivered == [waiting.id]
    assert [h.actor for h in engine.history(started)] == ["dana", None]  # the choice moves on by itself
    assert [(h.event, h.actor) for h in engine.history(waiting.id)] == [("(start)", "ops"), ("done", "dana")]
    stored = engine.runtime.read(lambda tx: EventStore(tx).get(result.event_id))
    assert stored is not None
    assert stored.published_by == "dana"
    anonymous = engine.publish("ticket_opened", {"priority": "P3", "subject": "x", "channel": "web"})
    assert engine.history(anonymous.started[0])[0].actor is None


def test_a_start_condition_filters_events(engine: Engine) -> None:
    engine.deploy(TICKETS)
    assert engine.publish("ticket_opened", {"priority": "P3", "subject": "win", "channel": "spam"}).started == []
    assert engine.publish("something_else", {"priority": "P3"}).started == []
    assert engine.list_instances() == []


def test_an_event_that_cannot_start_a_workflow_is_logged_naming_the_workflow(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    engine.deploy(TICKETS)
    with caplog.at_level(logging.WARNING, "statewright"):
        result = engine.publish("ticket_opened", {"subject": "no priority", "channel": "mail"})
    assert result.started == []
    (line,) = [r.getMessage() for r in caplog.records if "cannot start" in r.getMessage()]
    assert f"event {result.event_id} (ticket_opened) cannot start the workflow tickets:" in line
    assert "priority" in line


def test_an_event_published_before_a_crash_is_delivered_after_the_restart(database_url: str,
                                                                          clock: ManualClock) -> None:
    with Engine(database_url, clock=clock) as first:
        first.deploy(TICKETS)

        def store_only(tx: Any) -> int | None:  # publish, then "die" before delivering
            return publish_in(tx, tenant="default", event_type="ticket_opened",
                              payload={"priority": "P2", "subject": "slow", "channel": "web"}, correlation_key=None,
                              idempotency_key=None, now=clock.now())

        first.runtime.write(store_only)
        assert first.list_instances() == []
    with Engine(database_url, clock=clock, rng=random.Random(1)) as restarted:
        restarted.run_until_idle()
        (run,) = restarted.list_instances()
        assert run.state == "normal"
        assert run.context["subject"] == "slow"
        restarted.run_until_idle()
        assert len(restarted.list_instances()) == 1


def test_one_event_reaches_every_instance_waiting_with_its_key(engine: Engine) -> None:
    engine.deploy(workflow(
        {"hold": {"type": "wait", "event": {"type": "released", "correlation": "batch"}}, "go": final()},
        [edge("hold", "go", "done")], id="holder"))
    runs = [engine.start("holder", {"batch": b}) for b in ("b1", "b1", "b2")]
    result = engine.publish("released", {}, correlation_key="b1")
    assert sorted(result.delivered) == sorted([runs[0].id, runs[1].id])
    assert [engine.get(r.id).state for r in runs] == ["go", "go", "hold"]


RELAY = workflow(
    {"first": {"type": "wait", "event": {"type": "parcel", "correlation": "'a'"}},
     "second": {"type": "wait", "event": {"type": "parcel", "correlation": "'b'"}},
     "third": {"type": "wait", "event": {"type": "signal"}},
     "arrived": final()},
    [edge("first", "second", "skip"), edge("second", "third", "skip"), edge("third", "first", "skip"),
     edge(["first", "second", "third"], "arrived", "done")],
    id="relay",
)


def _open_waits(engine: Engine, instance_id: str) -> list[tuple[int, str, str | None]]:
    waits = engine.runtime.read(lambda tx: EventStore(tx).waits_for_instance(instance_id))
    return [(w.seq, w.event_type, w.correlation_key) for w in waits if w.status == "waiting"]


def test_moving_between_waits_keeps_exactly_one_open_wait_for_the_state_entered(engine: Engine) -> None:
    engine.deploy(RELAY)
    run = engine.start("relay")
    assert _open_waits(engine, run.id) == [(1, "parcel", "a")]
    engine.send(run.id, "skip")  # same event type, another key
    assert _open_waits(engine, run.id) == [(2, "parcel", "b")]
    assert engine.publish("parcel", correlation_key="a").delivered == []
    engine.send(run.id, "skip")  # another event type
    assert _open_waits(engine, run.id) == [(3, "signal", None)]
    rows = engine.runtime.read(lambda tx: EventStore(tx).waits_for_instance(run.id))
    assert len(rows) == 1  # re-armed in place: the table does not grow by a row per transition
    assert engine.publish("parcel", correlation_key="b").delivered == []
    assert engine.publish("signal").delivered == [run.id]
    assert engine.get(run.id).state == "arrived"
    assert _open_waits(engine, run.id) == []


def test_a_wait_read_before_the_instance_moved_on_does_not_consume_the_next_one(engine: Engine) -> None:
    engine.deploy(RELAY)
    run = engine.start("relay")
    engine.send(run.id, "skip")
    engine.send(run.id, "skip")
    engine.send(run.id, "skip")  # back in 'first', waiting for parcel 'a' at seq 4
    (stale,) = engine.runtime.read(lambda tx: EventStore(tx).waits_for_instance(run.id))
    engine.send(run.id, "skip")  # now in 'second': the same row, re-armed at seq 5
    assert engine.runtime.write(lambda tx: EventStore(tx).claim_wait(stale)) is False
    assert _open_waits(engine, run.id) == [(5, "parcel", "b")]
    assert engine.publish("parcel", correlation_key="b").delivered == [run.id]
