"""Task states: the action runs in a worker; `done` stores its output, `error` records the failure; retries
with backoff for the named error kinds; the timeout is enforced."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, finished, run_async, task, workflow

from engine.definition import Workflow
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from storage.jobs import JobStore


def _two_outcomes(**task_extra: object) -> Workflow:
    return workflow(
        {"work": task("work", output="out", input={"n": "n * 2"}, **task_extra), "ok": final(),
         "bad": final("failure")},
        [edge("work", "ok", "done"), edge("work", "bad", "error", assign={"why": "event.kind"})],
        context={"type": "object", "properties": {"n": {"type": "integer"}}},
    )


def test_done_stores_the_output_and_the_handler_sees_its_request(engine: Engine) -> None:
    engine.deploy(_two_outcomes())
    seen: list[ActionRequest] = []

    @engine.register("work")
    def work(request: ActionRequest) -> dict[str, int]:
        seen.append(request)
        return {"doubled": request.input["n"]}

    started = engine.start("flow", {"n": 21})
    assert (started.state, started.status) == ("work", "running")
    assert not seen  # the action runs in a worker, not inside start()
    done = finished(engine, started)
    assert (done.state, done.status) == ("ok", "succeeded")
    assert done.context == {"n": 21, "out": {"doubled": 42}}
    (request,) = seen
    assert request.idempotency_key == f"{started.id}:1"
    assert request.attempt == 1
    assert request.context == {"n": 21}
    assert request.state == "work"
    assert_consistent(engine, started.id)


def test_error_takes_the_error_transition_with_kind_and_message(engine: Engine) -> None:
    engine.deploy(_two_outcomes())

    @engine.register("work")
    def work(request: ActionRequest) -> None:
        raise ActionError("validation", "the lead has no company")

    done = finished(engine, engine.start("flow", {"n": 1}))
    assert (done.state, done.status) == ("bad", "failed")
    assert done.context["why"] == "validation"
    error_row = engine.history(done.id)[1]
    assert error_row.event == "error"
    assert error_row.payload == {"kind": "validation", "message": "the lead has no company", "attempts": 1}


def test_an_input_reading_a_field_an_earlier_output_lacks_fails_naming_the_field(engine: Engine) -> None:
    """A model's extract answered `{"answer": "done"}`; the next task reads `lead.company`. The user sees which
    expression failed and that the key is missing, not a bare `'company'`."""
    engine.deploy(workflow(
        {"extract": task("extract", output="lead"), "check": task("check", input={"company": "lead.company"}),
         "ok": final(), "bad": final("failure")},
        [edge("extract", "check", "done"), edge("check", "ok", "done"), edge("check", "bad", "error")],
    ))
    engine.register("extract", lambda request: {"answer": "done"})
    engine.register("check", lambda request: request.input)
    done = finished(engine, engine.start("flow", {}))
    assert (done.state, done.status) == ("bad", "failed")
    assert engine.history(done.id)[-1].payload == {
        "kind": "input", "message": "lead.company: no such key 'company' (the value has: answer)"}


def test_a_plain_exception_is_an_error_of_kind_error(engine: Engine) -> None:
    engine.deploy(_two_outcomes())
    engine.register("work", lambda request: 1 / 0)
    done = finished(engine, engine.start("flow", {"n": 1}))
    assert done.state == "bad"
    assert done.context["why"] == "error"


def test_retries_back_off_exponentially_then_succeed(engine: Engine, clock: ManualClock) -> None:
    retry = {"max_attempts": 4, "initial_interval_s": 10, "multiplier": 3, "jitter": False}
    engine.deploy(_two_outcomes(retry=retry))
    attempts: list[tuple[int, float, str]] = []

    @engine.register("work")
    def work(request: ActionRequest) -> str:
        attempts.append((request.attempt, clock.now(), request.idempotency_key))
        if request.attempt < 3:
            raise ActionError("rate_limited", "slow down")
        return "ok"

    started = engine.start("flow", {"n": 1})
    engine.run_until_idle()
    assert engine.get(started.id).state == "work"  # waiting 10 s for attempt 2
    clock.advance(9.9)
    engine.run_until_idle()
    assert len(attempts) == 1
    clock.advance(0.1)
    engine.run_until_idle()
    assert len(attempts) == 2
    clock.advance(29)
    engine.run_until_idle()
    assert len(attempts) == 2  # 10 * 3 = 30 s before attempt 3
    clock.advance(1)
    done = finished(engine, started)
    assert [a for a, _, _ in attempts] == [1, 2, 3]
    assert {key for _, _, key in attempts} == {f"{started.id}:1"}  # one key across retries
    assert attempts[1][1] - attempts[0][1] == pytest.approx(10)
    assert attempts[2][1] - attempts[1][1] == pytest.approx(30)
    assert done.state == "ok"
    assert len(engine.history(started.id)) == 2  # retries are not transitions


def test_jitter_spreads_the_wait_within_half_either_side(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_two_outcomes(retry={"max_attempts": 2, "initial_interval_s": 100, "jitter": True}))
    engine.register("work", lambda request: (_ for _ in ()).throw(ActionError("timeout", "x")))
    started = engine.start("flow", {"n": 1})
    engine.run_until_idle()
    (job,) = engine.runtime.read(lambda tx: JobStore(tx).for_instance(started.id))
    assert job.status == "ready"
    assert job.attempt == 2
    assert 50 <= job.due_at - clock.now() <= 150


def test_only_the_named_error_kinds_are_retried(engine: Engine) -> None:
    engine.deploy(_two_outcomes(retry={"max_attempts": 5, "retry_on": ["timeout"], "jitter": False}))
    calls: list[int] = []

    @engine.register("work")
    def work(request: ActionRequest) -> None:
        calls.append(request.attempt)
        raise ActionError("validation", "bad input")

    done = finished(engine, engine.start("flow", {"n": 1}))
    assert calls == [1]
    assert done.state == "bad"


def test_attempts_stop_at_the_maximum(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_two_outcomes(retry={"max_attempts": 3, "initial_interval_s": 1, "jitter": False}))
    calls: list[int] = []

    @engine.register("work")
    def work(request: ActionRequest) -> None:
        calls.append(request.attempt)
        raise ActionError("timeout", "again")

    started = engine.start("flow", {"n": 1})
    for _ in range(5):
        engine.run_until_idle()
        clock.advance(60)
    assert calls == [1, 2, 3]
    done = engine.get(started.id)
    assert done.state == "bad"
    assert engine.history(started.id)[-1].payload["attempts"] == 3


def test_a_slow_plain_handler_times_out(engine: Engine) -> None:
    engine.deploy(_two_outcomes(timeout_s=0.2))
    engine.register("work", lambda request: time.sleep(2))
    begun = time.monotonic()
    done = finished(engine, engine.start("flow", {"n": 1}))
    assert time.monotonic() - begun < 1.5
    assert done.state == "bad"
    assert done.context["why"] == "timeout"


def test_an_async_handler_runs_and_is_cancelled_at_its_timeout(engine: Engine) -> None:
    engine.deploy(_two_outcomes(timeout_s=0.2))
    cancelled: list[bool] = []

    @engine.register("work")
    async def work(request: ActionRequest) -> int:
        if request.input["n"] == 2:
            return 7
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return 0

    fast = finished(engine, engine.start("flow", {"n": 1}))
    assert fast.state == "ok"
    assert fast.context["out"] == 7
    slow = finished(engine, engine.start("flow", {"n": 3}))
    assert slow.context["why"] == "timeout"
    assert cancelled == [True]


def test_a_missing_handler_fails_the_task_naming_the_action(engine: Engine) -> None:
    engine.deploy(_two_outcomes())
    done = finished(engine, engine.start("flow", {"n": 1}))
    assert done.state == "bad"
    assert "no handler is registered for the action 'work'" in engine.history(done.id)[-1].payload["message"]


def test_an_error_without_an_error_transition_fails_the_instance(engine: Engine) -> None:
    engine.deploy(workflow({"work": task("work"), "ok": final()}, [edge("work", "ok", "done")]))
    engine.register("work", lambda request: 1 / 0)
    done = finished(engine, engine.start("flow"))
    assert (done.state, done.status) == ("work", "failed")
    assert done.error["kind"] == "unhandled"
    assert_consistent(engine, done.id)


@pytest.mark.parametrize("task_extra", [{"timeout_s": 10}, {}], ids=["with-timeouts", "fresh-worker-no-timeouts"])
def test_a_batch_of_actions_runs_concurrently(engine: Engine, task_extra: dict[str, Any]) -> None:
    """Without timeouts too: actions that wait (model or API calls) must not take turns through a new worker's
    first batch."""
    engine.deploy(_two_outcomes(**task_extra))
    together = threading.Barrier(4, timeout=5)  # passes only if all four actions run at the same time

    @engine.register("work")
    def work(request: ActionRequest) -> int:
        together.wait()
        return int(request.input["n"])

    runs = [engine.start("flow", {"n": n}) for n in range(4)]
    worker = engine.worker(batch=4)
    try:
        worker.execute(worker.claim())
    finally:
        worker.close()
    assert [engine.get(r.id).context.get("out") for r in runs] == [0, 2, 4, 6]


def test_the_actions_of_a_batch_that_ended_are_committed_while_a_slow_one_still_runs(engine: Engine) -> None:
    """A model call that takes its time holds back none of its batch: the others' instances move on (and a
    worker that died meanwhile would lose only the slow one's attempt), then the slow one ends as usual."""
    engine.deploy(_two_outcomes(timeout_s=30))
    release = threading.Event()

    @engine.register("work")
    def work(request: ActionRequest) -> int:
        if request.input["n"] == 0:
            assert release.wait(timeout=30)  # the slow one, until the others are seen committed
        return int(request.input["n"])

    runs = [engine.start("flow", {"n": n}) for n in range(4)]
    worker = engine.worker(batch=4)
    running = threading.Thread(target=lambda: worker.execute(worker.claim()))
    running.start()
    try:
        give_up = time.monotonic() + 10
        while time.monotonic() < give_up and [engine.get(r.id).state for r in runs[1:]] != ["ok"] * 3:
            time.sleep(0.05)
        seen = [engine.get(r.id).state for r in runs]
    finally:
        release.set()
        running.join(timeout=30)
        worker.close()
    assert seen == ["work", "ok", "ok", "ok"]
    assert [engine.get(r.id).context.get("out") for r in runs] == [0, 2, 4, 6]


def test_an_async_handler_runs_when_the_callers_thread_already_runs_an_event_loop(engine: Engine) -> None:
    """An async host application (or Playwright's sync API) drives the engine from inside a running loop."""
    engine.deploy(_two_outcomes(timeout_s=5))

    @engine.register("work")
    async def work(request: ActionRequest) -> int:
        await asyncio.sleep(0)
        return 7

    async def host() -> Any:
        return finished(engine, engine.start("flow", {"n": 1}))

    done = run_async(host())
    assert done.state == "ok"
    assert done.context["out"] == 7
