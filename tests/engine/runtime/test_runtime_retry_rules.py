"""Retry rules by error kind, `error` transitions that catch chosen kinds, and outputs written at nested paths —
run by the engine and a worker on each database."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from runtime_support import assert_consistent, edge, final, finished, task, workflow

from engine.definition import Workflow
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from storage.jobs import JobStore

RULES = [
    {"errors": ["timeout"], "max_attempts": 3, "backoff": "fixed", "initial_interval_s": 5, "jitter": False},
    {"errors": ["rate_limited", "unavailable"], "max_attempts": 2, "initial_interval_s": 60, "jitter": False},
]


def _caught_by_kind(retry: Any) -> Workflow:
    """`work` retries by `retry`; its failures go to `invalid` (validation), `gave_up` (timeout) or `failed`."""
    return workflow(
        {"work": task("work", output="out", retry=retry), "ok": final(), "invalid": final("failure"),
         "gave_up": final("failure"), "failed": final("failure")},
        [edge("work", "ok", "done"),
         edge("work", "invalid", "error", errors=["validation"], priority=2),
         edge("work", "gave_up", "error", errors=["timeout"], priority=1, assign={"why": "event"}),
         edge("work", "failed", "error", assign={"why": "event"})],
    )


def _failing(engine: Engine, kinds: list[str]) -> list[tuple[int, float]]:
    """Register `work` to fail with `kinds` in turn, then succeed; returns (attempt, time) of each call."""
    calls: list[tuple[int, float]] = []

    @engine.register("work")
    def work(request: ActionRequest) -> str:
        calls.append((request.attempt, engine.runtime.clock.now()))
        if request.attempt <= len(kinds):
            raise ActionError(kinds[request.attempt - 1], f"attempt {request.attempt}")
        return "fine"

    return calls


def _drive(engine: Engine, clock: ManualClock, rounds: int = 8, step_s: float = 60) -> None:
    for _ in range(rounds):
        engine.run_until_idle()
        clock.advance(step_s)
    engine.run_until_idle()


def test_each_kind_is_retried_by_its_own_rule_with_its_own_wait(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_caught_by_kind(RULES))
    calls = _failing(engine, ["timeout", "rate_limited", "timeout"])
    started = engine.start("flow", {})
    engine.run_until_idle()
    clock.advance(5)  # the timeout rule's fixed 5 s
    engine.run_until_idle()
    assert [a for a, _ in calls] == [1, 2]
    clock.advance(59)  # the rate_limited rule waits 60 s
    engine.run_until_idle()
    assert len(calls) == 2
    clock.advance(1)
    engine.run_until_idle()
    clock.advance(5)  # the timeout rule's second retry: still fixed 5 s
    done = finished(engine, started)
    assert [a for a, _ in calls] == [1, 2, 3, 4]
    assert [b - a for (_, a), (_, b) in pairwise(calls)] == [5, 60, 5]
    assert (done.state, done.context["out"]) == ("ok", "fine")
    assert_consistent(engine, started.id)


def test_a_rule_spent_ends_the_retries_and_the_catch_for_its_kind_fires(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_caught_by_kind(RULES))
    calls = _failing(engine, ["timeout", "rate_limited", "timeout", "timeout"])
    started = engine.start("flow", {})
    _drive(engine, clock)
    # the timeout rule retries twice (3 attempts for its kind); the rate_limited retry between does not count
    assert [a for a, _ in calls] == [1, 2, 3, 4]
    done = engine.get(started.id)
    assert (done.state, done.status) == ("gave_up", "failed")
    assert done.context["why"] == {"kind": "timeout", "message": "attempt 4", "attempts": 4}
    (job,) = engine.runtime.read(lambda tx: JobStore(tx).for_instance(started.id))
    assert job.last_error["kind"] == "timeout"
    assert_consistent(engine, started.id)


def test_a_kind_no_rule_names_fails_at_once_to_its_catch(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_caught_by_kind(RULES))
    calls = _failing(engine, ["validation"])
    done = finished(engine, engine.start("flow", {}))
    assert [a for a, _ in calls] == [1]
    assert done.state == "invalid"
    guards = engine.history(done.id)[-1].guards
    assert [(g["dest"], g["value"]) for g in guards] == [("invalid", True)]
    assert guards[0]["guard"] == "event.kind == 'validation'"


def test_an_uncaught_kind_takes_the_catch_all(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_caught_by_kind(RULES))
    _failing(engine, ["not_found"])
    done = finished(engine, engine.start("flow", {}))
    assert done.state == "failed"
    assert [(g["dest"], g["value"]) for g in engine.history(done.id)[-1].guards] == [
        ("invalid", False), ("gave_up", False), ("failed", True)]


def test_the_object_form_is_one_rule_for_its_kinds(engine: Engine, clock: ManualClock) -> None:
    shorthand = {"max_attempts": 2, "initial_interval_s": 7, "jitter": False, "retry_on": ["unavailable"]}
    engine.deploy(_caught_by_kind(shorthand))
    calls = _failing(engine, ["unavailable", "unavailable"])
    started = engine.start("flow", {})
    engine.run_until_idle()
    clock.advance(6.9)
    engine.run_until_idle()
    assert len(calls) == 1
    clock.advance(0.1)
    _drive(engine, clock)
    assert [a for a, _ in calls] == [1, 2]  # max_attempts 2: the second failure ends it
    assert engine.get(started.id).state == "failed"


NESTED = {"type": "object", "properties": {"enrichment": {"type": "object", "properties": {
    "source": {"type": "string"}, "company": {"type": "object"}}}}}


def _enriching() -> Workflow:
    return workflow(
        {"work": task("work", output="enrichment.company"), "ok": final(), "failed": final("failure")},
        [edge("work", "ok", "done", assign={"enrichment.company.checked": "true", "seen.by": "'worker'"}),
         edge("work", "failed", "error")],
        context=NESTED,
    )


def test_an_output_path_writes_inside_the_context_and_keeps_its_neighbours(engine: Engine) -> None:
    engine.deploy(_enriching())
    seen: list[dict[str, Any]] = []

    @engine.register("work")
    def work(request: ActionRequest) -> dict[str, Any]:
        seen.append(request.output_schema or {})
        return {"size": 120, "name": "Acme"}

    started = engine.start("flow", {"enrichment": {"source": "crm"}})
    done = finished(engine, started)
    assert done.context == {
        "enrichment": {"source": "crm", "company": {"size": 120, "name": "Acme", "checked": True}},
        "seen": {"by": "worker"},
    }
    assert seen == [{"type": "object"}]  # the schema declared at the nested path travels with the action
    change = engine.history(started.id)[-1].context_change
    assert change is not None
    assert change["set"] == {"enrichment.company": {"size": 120, "name": "Acme"},
                             "enrichment.company.checked": True, "seen.by": "worker"}
    assert_consistent(engine, started.id)  # the replay of the history writes by path too


def test_an_output_path_through_a_value_that_is_not_an_object_is_the_tasks_error(engine: Engine) -> None:
    engine.deploy(workflow(
        {"work": task("work", output="enrichment.company"), "ok": final(), "failed": final("failure")},
        [edge("work", "ok", "done"), edge("work", "failed", "error", assign={"why": "event"})],
    ))
    engine.register("work", lambda request: {"size": 3})
    started = engine.start("flow", {"enrichment": "pending"})
    done = finished(engine, started)
    assert (done.state, done.status) == ("failed", "failed")
    assert done.context["why"]["kind"] == "output_path"
    assert "'enrichment' holds a string" in done.context["why"]["message"]
    assert done.context["enrichment"] == "pending"
    assert_consistent(engine, started.id)
