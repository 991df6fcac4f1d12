"""Events: `publish` starts the workflows whose `starts_on` matches and reaches waiting instances; events are
stored with their delivery, so a process that dies after publishing loses none."""

from __future__ import annotations

import random
from typing import Any

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
