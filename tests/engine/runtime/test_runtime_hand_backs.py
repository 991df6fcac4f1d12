"""Workers of one database with different handlers: a worker that claims an action job it has no handler for hands
it back — ready again a moment later, its attempt not counted, nothing in the history — for one that has it, and
fails it `unknown_action` only once it has waited the grace window out. Without a grace window (the embedded
worker, `run_until_idle`) it fails at once, as before.

The worker without the handler runs first here, so it claims the job first, on purpose; the manual clock then
passes the hand-back's short wait (or the grace window) instead of a test sleeping through it.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, task, workflow

from engine.definition import Workflow
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.clock import ManualClock, SystemClock
from engine.runtime.engine import Engine
from engine.runtime.hand_backs import DEFAULT_HANDLER_GRACE_S, HAND_BACK_S, MARK, MAX_HAND_BACK_S
from engine.runtime.views import InstanceView
from engine.runtime.worker import Worker
from storage.jobs import JobRecord, JobStore

GRACE_S = 60.0
PAST_A_HAND_BACK_S = MAX_HAND_BACK_S * 1.5  # the longest a hand-back's due time lies ahead (its ±50% included)
RETRY_ONCE = {"max_attempts": 2, "backoff": "fixed", "initial_interval_s": 1, "jitter": False}


def _flow(**work: Any) -> Workflow:
    return workflow({"work": task("work", output="out", **work), "ok": final(), "failed": final("failure")},
                    [edge("work", "ok", "done"), edge("work", "failed", "error")])


@pytest.fixture
def capable(database_url: str, clock: ManualClock) -> Iterator[Engine]:
    """A second process on the same database, the one with the handler for 'work' (the `engine` has none)."""
    with Engine(database_url, clock=clock, rng=random.Random(8)) as other:
        yield other


def _job(engine: Engine, run: InstanceView) -> JobRecord:
    (job,) = engine.runtime.read(lambda tx: JobStore(tx).for_instance(run.id))
    return job


def _lacking(engine: Engine) -> Worker:
    return engine.worker(handler_grace_s=GRACE_S, owner="lacking")


@pytest.mark.parametrize("inline", [False, True], ids=["threaded", "inline"])
def test_a_job_handed_back_is_run_by_the_worker_with_its_handler(engine: Engine, capable: Engine,
                                                                 clock: ManualClock, inline: bool) -> None:
    """An inline handler runs on the claiming worker's thread, and in the transaction that entered its task when
    that process has it: the process without it (`engine` starts the instance) leaves the task queued."""
    seen: list[tuple[int, Any]] = []

    def work(request: ActionRequest) -> dict[str, Any]:
        seen.append((request.attempt, request.last_error))
        return {"by": "capable"}

    capable.register("work", work, inline=inline)
    engine.deploy(_flow())
    run = engine.start("flow")
    assert engine.get(run.id).state == "work"  # not failed by the start's own fold: it has no handler here
    before = engine.history(run.id)
    lacking = _lacking(engine)
    assert lacking.run_until_idle() == 1  # one round handed it back; the next found nothing due
    assert lacking.handed_back == 1
    job = _job(engine, run)
    assert (job.status, job.attempt, job.lease_owner) == ("ready", 1, None)
    assert clock.now() < job.due_at <= clock.now() + PAST_A_HAND_BACK_S
    assert engine.history(run.id) == before  # no step, no attempt: a hand-back is no attempt
    assert engine.get(run.id).status == "running"

    clock.advance(PAST_A_HAND_BACK_S)
    capable.run_until_idle()
    done = engine.get(run.id)
    assert (done.state, done.status, done.context["out"]) == ("ok", "succeeded", {"by": "capable"})
    assert seen == [(1, None)]  # its first attempt, with no trace of the hand-back in what the handler reads
    (left,) = [h for h in engine.history(run.id) if h.from_state == "work"]
    assert [(a["attempt"], a["outcome"]) for a in left.attempts] == [(1, "done")]
    assert_consistent(engine, run.id)


def test_a_job_no_worker_can_run_fails_unknown_action_once_its_grace_window_is_over(engine: Engine,
                                                                                     clock: ManualClock) -> None:
    engine.deploy(_flow())
    run = engine.start("flow")
    lacking = _lacking(engine)
    began = clock.now()
    lacking.run_until_idle()
    clock.advance(30)
    lacking.run_until_idle()  # handed back again: the window still counts from the first hand-back
    job = _job(engine, run)
    assert job.payload[MARK] == {"since": began, "attempt": 1}
    assert (job.status, job.attempt) == ("ready", 1)
    clock.advance(28)
    lacking.run_until_idle()
    assert _job(engine, run).due_at == began + GRACE_S  # due as its window closes, not a hand-back's wait later
    assert lacking.handed_back == 3
    assert engine.get(run.id).status == "running"

    clock.advance(2)
    lacking.run_until_idle()
    failed = engine.get(run.id)
    assert (failed.state, failed.status) == ("failed", "failed")
    error = engine.history(run.id)[-1].payload
    assert error["kind"] == "unknown_action"
    assert error["message"] == ("no worker with a handler for the action 'work' took the job within 60 s (the "
                                "workers without one handed it back)")
    (left,) = [h for h in engine.history(run.id) if h.from_state == "work"]
    assert [(a["attempt"], a["outcome"]) for a in left.attempts] == [(1, "error")]  # three hand-backs, one attempt
    job = _job(engine, run)
    assert (job.status, job.attempt) == ("failed", 1)
    assert_consistent(engine, run.id)


def test_a_retried_attempt_waits_its_own_window_and_its_handler_reads_the_failure_before(
        engine: Engine, capable: Engine, clock: ManualClock) -> None:
    seen: list[tuple[int, Any]] = []

    def work(request: ActionRequest) -> str:
        seen.append((request.attempt, request.last_error and request.last_error["kind"]))
        if request.attempt == 1:
            raise ActionError("flaky", "not this time")
        return "second time"

    capable.register("work", work)
    engine.deploy(_flow(retry=RETRY_ONCE))
    run = engine.start("flow")
    lacking = _lacking(engine)
    lacking.run_until_idle()
    clock.advance(PAST_A_HAND_BACK_S)
    capable.run_until_idle()  # attempt 1 fails, its retry due a second later
    clock.advance(GRACE_S + 1)  # past the window of attempt 1's hand-back: attempt 2 waits a window of its own
    lacking.run_until_idle()
    job = _job(engine, run)
    assert (job.status, job.attempt, job.payload[MARK]["attempt"]) == ("ready", 2, 2)
    assert job.last_error["kind"] == "flaky"  # what the next attempt reads, untouched by the hand-back
    clock.advance(PAST_A_HAND_BACK_S)
    capable.run_until_idle()
    done = engine.get(run.id)
    assert (done.state, done.context["out"]) == ("ok", "second time")
    assert seen == [(1, None), (2, "flaky")]
    (left,) = [h for h in engine.history(run.id) if h.from_state == "work"]
    assert [(a["attempt"], a["outcome"]) for a in left.attempts] == [(1, "retry"), (2, "done")]


def test_the_embedded_worker_still_fails_a_job_without_its_handler_at_once(engine: Engine) -> None:
    """`run_until_idle` drives the process's own instances: no other worker is there to hand the job to (deploy
    warned about the action already)."""
    engine.deploy(_flow())
    run = engine.start("flow")
    assert engine.worker().hand_backs.grace_s == 0
    assert engine.handler_grace_s == DEFAULT_HANDLER_GRACE_S  # what `run_worker`'s loops are given
    engine.run_until_idle()
    failed = engine.get(run.id)
    assert failed.state == "failed"
    error = engine.history(run.id)[-1].payload
    assert (error["kind"], error["message"]) == ("unknown_action", "no handler is registered for the action 'work'")


def test_the_worker_says_once_per_action_that_it_hands_jobs_back(engine: Engine, clock: ManualClock,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    engine.deploy(_flow())
    for _ in range(3):
        engine.start("flow")
    lacking = _lacking(engine)
    with caplog.at_level(logging.WARNING, logger="statewright.worker"):
        lacking.run_until_idle()
        clock.advance(PAST_A_HAND_BACK_S)
        _lacking(engine).run_until_idle()  # another worker of the same process
    assert lacking.handed_back == 3
    said = [r.getMessage() for r in caplog.records if "handed back" in r.getMessage()]
    assert said == ["no handler is registered in this worker for the action 'work': its jobs are handed back for "
                    "another worker on the database that may have one, and fail with unknown_action if none takes "
                    "them within 60 s"]


def test_a_worker_does_not_wake_for_the_jobs_it_handed_back(engine: Engine, capable: Engine,
                                                             clock: ManualClock) -> None:
    """The workers that have the handler are woken when it is due again; the one that handed it back looks again
    at its poll interval."""
    engine.deploy(_flow())
    run = engine.start("flow")
    lacking = _lacking(engine)
    lacking.run_until_idle()
    assert lacking.next_due() is None
    assert capable.worker().next_due() == _job(engine, run).due_at
    clock.advance(PAST_A_HAND_BACK_S)
    assert lacking.next_due() == _job(engine, run).due_at  # due now: it takes it, if no other worker did


def test_jobs_handed_back_hide_none_behind_them(engine: Engine, capable: Engine) -> None:
    """The jobs a worker hands back end none of its work: it claims again, and runs the job it has a handler for
    that waited behind them."""
    engine.deploy(_flow())  # before a handler is registered here: with one, deploy checks the actions against them
    engine.deploy(workflow({"other": task("other", output="out"), "ok": final()}, [edge("other", "ok", "done")],
                           id="other_flow"))
    engine.register("other", lambda request: "ran")
    waiting = [engine.start("flow") for _ in range(2)]
    behind = engine.start("other_flow")
    lacking = engine.worker(batch=2, handler_grace_s=GRACE_S)
    lacking.run_until_idle()
    assert engine.get(behind.id).state == "ok"
    assert [engine.get(run.id).state for run in waiting] == ["work", "work"]


def test_workers_sharing_a_database_on_the_wall_clock(database_url: str) -> None:
    """Both loops running, the one without the handler started first: the instance succeeds, and the worker that
    keeps handing the job back does not spin on it (a round per poll interval, about)."""
    poll_s = 0.2
    flow = _flow()
    with Engine(database_url, clock=SystemClock()) as lacking, \
            Engine(database_url, clock=SystemClock()) as capable:
        capable.register("work", lambda request: "ran")
        lacking.deploy(flow)
        run = lacking.start("flow")
        worker = lacking.worker(handler_grace_s=GRACE_S)
        rounds = [0]
        run_once = worker.run_once

        def counted() -> int:
            rounds[0] += 1
            return run_once()

        worker.run_once = counted  # type: ignore[method-assign]
        stop = threading.Event()
        threads = [threading.Thread(target=worker.run_forever, args=(stop,), kwargs={"poll_s": poll_s})]
        threads[0].start()
        began = time.monotonic()
        try:
            deadline = began + 30  # a bound, not a measure
            while worker.handed_back == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert worker.handed_back >= 1
            threads.append(threading.Thread(target=capable.run_worker, args=(stop,), kwargs={"poll_s": poll_s}))
            threads[1].start()
            while not lacking.get(run.id).ended and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
            worker.close()
        elapsed = time.monotonic() - began
        done = lacking.get(run.id)
        assert (done.state, done.context["out"]) == ("ok", "ran")
        assert rounds[0] <= 2 * elapsed / poll_s + 10, (rounds[0], elapsed)
        assert worker.handed_back <= elapsed / HAND_BACK_S * 2 + 2
