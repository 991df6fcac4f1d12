"""Redrive: a failed instance resumed at the state it failed in. The failed task runs again as a fresh series of
attempts under the idempotency key of the run that failed; tasks done before the failure are not run again; the
history shows who redrove it; an instance that has not failed is refused, unchanged."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from runtime_support import assert_consistent, edge, final, finished, run_async, task, workflow

from engine.definition import Workflow
from engine.errors import RedriveRefused, TransitionNotAllowed
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.async_engine import AsyncEngine
from engine.runtime.clock import ManualClock
from engine.runtime.decide import decide
from engine.runtime.effects import RunAction
from engine.runtime.engine import Engine
from engine.runtime.machines import CompiledWorkflow
from engine.runtime.redrive import redrivable
from engine.runtime.snapshot import FAILED, REDRIVE, RUNNING, Environment, Event, Snapshot
from engine.runtime.views import InstanceView


def _order(**charge: object) -> Workflow:
    """prepare → charge → done; the charge has no error transition, so its failure fails the instance."""
    return workflow(
        {"prepare": task("prepare", output="prepared"), "charge": task("charge", output="receipt", **charge),
         "done": final(result={"receipt": "receipt"})},
        [edge("prepare", "charge", "done"), edge("charge", "done", "done")],
        id="order",
    )


class Payments:
    """A payment service that de-duplicates on the idempotency key, as a real one does; `broken` makes the
    handler fail after the charge was made (a crash between the side effect and its answer)."""

    def __init__(self) -> None:
        self.charges: dict[str, int] = {}
        self.requests: list[ActionRequest] = []
        self.broken = True

    def charge(self, request: ActionRequest) -> dict[str, str]:
        self.requests.append(request)
        if request.idempotency_key not in self.charges:
            self.charges[request.idempotency_key] = 100
        if self.broken:
            raise ActionError("network", "the answer was lost", retryable=False)
        return {"charged": request.idempotency_key}


def _failed_order(engine: Engine, payments: Payments, **charge: object) -> tuple[InstanceView, list[str]]:
    engine.deploy(_order(**charge))
    prepared: list[str] = []

    @engine.register("prepare")
    def prepare(request: ActionRequest) -> str:
        prepared.append(request.idempotency_key)
        return "ready"

    engine.register("charge", payments.charge)
    failed = finished(engine, engine.start("order", {}))
    assert (failed.state, failed.status) == ("charge", "failed")
    assert failed.error["kind"] == "unhandled"
    assert redrivable(engine.runtime, failed)
    return failed, prepared


def test_a_redriven_task_runs_again_and_the_instance_completes(engine: Engine) -> None:
    payments = Payments()
    failed, prepared = _failed_order(engine, payments)
    payments.broken = False  # the handler is fixed

    resumed = engine.redrive(failed.id, actor="ops")
    assert (resumed.state, resumed.status, resumed.error) == ("charge", "running", None)
    assert resumed.version == failed.version + 1
    done = finished(engine, resumed)
    assert (done.state, done.status) == ("done", "succeeded")
    assert prepared == [f"{failed.id}:1"]  # the task done before the failure did not run again
    assert_consistent(engine, failed.id)


def test_the_history_shows_who_redrove_which_state_and_the_failure_left(engine: Engine) -> None:
    payments = Payments()
    failed, _ = _failed_order(engine, payments)
    engine.redrive(failed.id, actor="ops")
    row = engine.history(failed.id)[failed.version]  # the row after the failure
    assert (row.seq, row.event, row.actor, row.from_state, row.to_state, row.status) == (
        failed.version + 1, "(redrive)", "ops", "charge", "charge", "running")
    assert row.payload["state"] == "charge"
    assert row.payload["error"] == failed.error
    assert row.context_change == {"result": None, "error": None}


def test_the_side_effect_is_made_once_when_the_handler_honours_the_key(engine: Engine) -> None:
    payments = Payments()
    failed, _ = _failed_order(engine, payments)
    payments.broken = False
    done = finished(engine, engine.redrive(failed.id))
    first, again = payments.requests
    assert again.idempotency_key == first.idempotency_key == f"{failed.id}:2"
    assert payments.charges == {first.idempotency_key: 100}  # charged once
    assert done.context["receipt"] == {"charged": first.idempotency_key}


def test_a_task_redriven_twice_keeps_the_key_of_the_first_run(engine: Engine) -> None:
    payments = Payments()
    failed, _ = _failed_order(engine, payments)

    engine.redrive(failed.id)
    engine.run_until_idle()  # fails again: the handler is not fixed yet
    assert engine.get(failed.id).status == "failed"
    payments.broken = False
    engine.redrive(failed.id, actor="ops")
    done = finished(engine, engine.get(failed.id))
    assert done.status == "succeeded"
    assert [r.attempt for r in payments.requests] == [1, 1, 1]
    assert {r.idempotency_key for r in payments.requests} == {f"{failed.id}:2"}  # kept over two redrives
    attempts = [h.attempts for h in engine.history(failed.id) if h.attempts]
    assert [[a["attempt"] for a in each] for each in attempts] == [[1], [1], [1], [1]]  # prepare, then charge x3
    assert_consistent(engine, failed.id)


def test_the_redriven_task_starts_a_fresh_series_of_attempts(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_order(retry={"max_attempts": 2, "initial_interval_s": 1, "jitter": False}))
    engine.register("prepare", lambda request: "ready")
    tries: list[int] = []

    @engine.register("charge")
    def charge(request: ActionRequest) -> str:
        tries.append(request.attempt)
        if len(tries) <= 2:
            raise ActionError("timeout", "slow")
        return "ok"

    started = engine.start("order", {})
    engine.run_until_idle()
    clock.advance(timedelta(seconds=2))
    failed = finished(engine, started)
    assert failed.status == "failed"
    assert failed.error["payload"]["attempts"] == 2
    done = finished(engine, engine.redrive(failed.id))
    assert done.status == "succeeded"
    assert tries == [1, 2, 1]


def test_deciding_a_redrive_is_pure_and_hands_the_failed_key_to_the_action() -> None:
    compiled = CompiledWorkflow(_order())
    failed = Snapshot("charge", {"prepared": "ready"}, FAILED, None, {"kind": "unhandled"})
    event = Event(REDRIVE, {"state": "charge", "idempotency_key": "i-1:2"}, "ops")
    decision = decide(compiled, failed, event, Environment(0.0, {"id": "i-1"}))
    assert decision.snapshot == Snapshot("charge", {"prepared": "ready"}, RUNNING, None, None)
    (step,) = decision.steps
    assert (step.source, step.dest, step.event, step.actor) == ("charge", "charge", REDRIVE, "ops")
    (action,) = step.effects
    assert isinstance(action, RunAction)
    assert (action.action, action.idempotency_key) == ("charge", "i-1:2")
    with pytest.raises(RedriveRefused, match="the instance i-1 cannot be redriven: its status is running"):
        decide(compiled, decision.snapshot, event, Environment(0.0, {"id": "i-1"}))


def _parallel_enrichment() -> Workflow:
    def branch(name: str) -> dict[str, object]:
        return {"name": name, "initial": "run", "states": {"run": task(name, output=name), "ok": final()},
                "transitions": [edge("run", "ok", "done")]}

    return workflow({"enrich": {"type": "parallel", "branches": [branch("crm"), branch("web")]}, "merged": final()},
                    [edge("enrich", "merged", "done")], id="enrich", context={"type": "object"})


def test_a_parallel_state_whose_branch_failed_runs_it_again_and_carries_the_others(engine: Engine) -> None:
    """The branch that succeeded is carried over — its context changes merged as if it had run, nothing it did
    run again — and the one that failed runs afresh."""
    engine.deploy(_parallel_enrichment())
    calls: list[str] = []
    broken = {"web"}
    for name in ("crm", "web"):
        def handler(request: ActionRequest, name: str = name) -> str:
            calls.append(name)
            if name in broken:
                raise ActionError("unavailable", f"{name} is down", retryable=False)
            return f"{name}-data"
        engine.register(name, handler)

    failed = finished(engine, engine.start("enrich", {}))
    assert (failed.state, failed.status) == ("enrich", "failed")
    broken.clear()
    done = finished(engine, engine.redrive(failed.id))
    assert (done.state, done.status) == ("merged", "succeeded")
    assert done.context == {"crm": "crm-data", "web": "web-data"}
    assert sorted(calls) == ["crm", "web", "web"]  # crm is carried over, web runs again
    carried = [c for c in engine.list_instances(parent_id=failed.id, limit=10)
               if c.branch == "enrich.crm" and engine.history(c.id)[0].event == "(carried)"]
    assert len(carried) == 1
    assert_consistent(engine, failed.id)


def test_a_choice_that_failed_is_entered_again(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(workflow(
        {"route": {"type": "choice"}, "open": final()},
        [edge("route", "open", guard='timestamp(now) >= timestamp("2030-01-16T00:00:00Z")')],
        id="window",
    ))
    failed = engine.start("window", {})
    assert (failed.state, failed.status, failed.error["kind"]) == ("route", "failed", "no_match")
    clock.advance(timedelta(days=1))
    done = engine.redrive(failed.id, actor="ops")
    assert (done.state, done.status) == ("open", "succeeded")
    assert [h.event for h in engine.history(failed.id)][-2:] == ["(redrive)", "(auto)"]
    assert_consistent(engine, failed.id)


def test_a_redrive_that_fails_at_once_leaves_the_instance_failed_with_its_history(engine: Engine) -> None:
    engine.deploy(workflow({"route": {"type": "choice"}, "open": final()},
                           [edge("route", "open", guard="false")], id="closed"))
    failed = engine.start("closed", {})
    again = engine.redrive(failed.id, actor="ops")
    assert (again.status, again.error["kind"], again.version) == ("failed", "no_match", failed.version + 2)
    assert_consistent(engine, failed.id)


def test_a_parent_whose_subflow_failed_starts_a_new_child(engine: Engine) -> None:
    engine.deploy(workflow({"score": task("score", output="score"), "ok": final(result={"score": "score"})},
                           [edge("score", "ok", "done")], id="scoring"))
    engine.deploy(workflow({"delegate": {"type": "subflow", "workflow": "scoring", "output": "scored"},
                            "happy": final()}, [edge("delegate", "happy", "done")], id="lead"))
    broken = [True]

    @engine.register("score")
    def score(request: ActionRequest) -> int:
        if broken[0]:
            raise ActionError("validation", "unscorable")
        return 7

    parent = finished(engine, engine.start("lead", {}))
    assert (parent.state, parent.status) == ("delegate", "failed")
    (child,) = engine.list_instances(parent_id=parent.id)
    assert (redrivable(engine.runtime, parent), redrivable(engine.runtime, child)) == (True, False)
    with pytest.raises(RedriveRefused, match=f"inside the instance {parent.id}"):
        engine.redrive(child.id)
    broken[0] = False
    done = finished(engine, engine.redrive(parent.id))
    assert (done.state, done.status, done.context["scored"]) == ("happy", "succeeded", {"score": 7})
    assert len(engine.list_instances(parent_id=parent.id)) == 2
    assert_consistent(engine, parent.id)


@pytest.mark.parametrize("how", ["running", "succeeded", "cancelled"])
def test_an_instance_that_has_not_failed_is_refused_unchanged(engine: Engine, how: str) -> None:
    engine.deploy(_order())
    engine.register("prepare", lambda request: "ready")
    engine.register("charge", lambda request: "ok")
    instance = engine.start("order", {})
    if how == "succeeded":
        instance = finished(engine, instance)
    elif how == "cancelled":
        instance = engine.cancel(instance.id)
    assert not redrivable(engine.runtime, instance)
    with pytest.raises(RedriveRefused, match=f"its status is {how}; only a failed or stuck instance can be redriven"):
        engine.redrive(instance.id, actor="ops")
    assert engine.get(instance.id) == instance
    assert len(engine.history(instance.id)) == instance.version


def test_an_instance_at_its_failure_final_state_is_refused(engine: Engine) -> None:
    engine.deploy(workflow({"work": task("work"), "bad": final("failure")}, [edge("work", "bad", "error")]))

    @engine.register("work")
    def work(request: ActionRequest) -> None:
        raise ActionError("validation", "no")

    failed = finished(engine, engine.start("flow", {}))
    assert (failed.state, failed.status) == ("bad", "failed")
    assert not redrivable(engine.runtime, failed)
    with pytest.raises(RedriveRefused, match="final state 'bad'"):
        engine.redrive(failed.id)


def test_the_redrive_event_cannot_be_sent(engine: Engine) -> None:
    payments = Payments()
    failed, _ = _failed_order(engine, payments)
    for event in ("(redrive)", "(cancel)"):
        with pytest.raises(TransitionNotAllowed, match="the engine makes this move itself"):
            engine.send(failed.id, event)
    assert engine.get(failed.id) == failed


def test_the_async_engine_redrives(database_url: str, clock: ManualClock) -> None:
    async def scenario() -> tuple[str, str]:
        engine = AsyncEngine(database_url, clock=clock)
        try:
            await engine.deploy(workflow({"route": {"type": "choice"}, "open": final()},
                                         [edge("route", "open", guard="instance.id == ''")], id="never"))
            failed = await engine.start("never", {})
            again = await engine.redrive(failed.id, actor="ops")
            history = await engine.history(failed.id)
            return again.status, history[failed.version].actor or ""
        finally:
            await engine.close()

    assert run_async(scenario()) == ("failed", "ops")


def test_two_operators_redriving_at_once_redrive_it_once(database_url: str, engine: Engine) -> None:
    payments = Payments()
    failed, _ = _failed_order(engine, payments)
    other = Engine(database_url)  # its own connections, as another process would have
    outcomes: list[str] = []
    ready = threading.Barrier(2)

    def redrive(by: Engine, actor: str) -> None:
        ready.wait()
        try:
            by.redrive(failed.id, actor=actor)
            outcomes.append("resumed")
        except RedriveRefused as refused:
            outcomes.append(refused.detail)

    try:
        threads = [threading.Thread(target=redrive, args=(e, a)) for e, a in ((engine, "ann"), (other, "bob"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        other.close()
    assert sorted(outcomes) == sorted(["resumed", f"the instance {failed.id} cannot be redriven: its status is "
                                                  "running; only a failed or stuck instance can be redriven"])
    assert [h.event for h in engine.history(failed.id)].count("(redrive)") == 1
    payments.broken = False
    assert finished(engine, engine.get(failed.id)).status == "succeeded"
    assert len(payments.requests) == 2  # one run before the failure, one after the single redrive
