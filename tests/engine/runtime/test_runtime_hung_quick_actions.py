"""A quick action that hangs for good does not hold its worker.

Actions that have been quick (`ActionRunner.runs_here`) run one after the other, not a thread each. They ran on
the worker's own thread, so a handler fast a thousand times that then hung (an HTTP call without a timeout to a
server that never answers) held that thread for good: the worker claimed nothing more, fired no timers, and its
heartbeat kept the leases of its jobs renewed, so no other worker took them up either. Now a quick batch runs on
the worker's quick lane, and a call that runs past OVERRUN_S is let go: the worker goes on and carries it as an
action in flight, committing its outcome if it ever ends.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from runtime_support import assert_consistent, counting_writes, edge, final, task, workflow

from engine.runtime.actions import ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.worker import Worker

WAIT_S = 30.0  # the bound on waiting for what the worker does (a second or two when it works)
OVERRAN = "without ending on the quick path"


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Lets the hanging handler return once the test is over (a thread Python cannot stop)."""
    event = threading.Event()
    yield event
    event.set()


def _flows(engine: Engine, release: threading.Event, threads: list[str] | None = None) -> None:
    @engine.register("work")
    def work(request: ActionRequest) -> str:
        if threads is not None:
            threads.append(threading.current_thread().name)
        if request.input["name"] == "hang":  # fast every time before, and now it waits for an answer for good
            release.wait(120)
            return "late"
        if request.input["name"] == "interrupt":
            raise KeyboardInterrupt
        return "ok"

    engine.deploy(workflow({"run": task("work", input={"name": "name"}, output="out"), "done": final()},
                           [edge("run", "done", "done")], id="quick"))
    engine.deploy(workflow({"pause": {"type": "wait", "duration": "PT1M"}, "done": final()},
                           [edge("pause", "done", "done")], id="timer"))


def _warmed(engine: Engine) -> Worker:
    """A worker whose actions have been quick: it runs its batches on the quick path."""
    worker = engine.worker()
    ids = [engine.start("quick", {"name": f"warm-{n}"}).id for n in range(40)]
    worker.run_until_idle()
    assert {engine.get(i).status for i in ids} == {"succeeded"}
    for _ in range(40):  # as a thousand quick calls would have (on a busy machine a first batch, run at once on
        worker.runner.observe(0.0)  # threads, may be timed above the bound with the wait for its threads)
    assert worker.runner.runs_here([])  # quick on average, so the next batch runs one action after the other
    return worker


def _until(what: Callable[[], bool]) -> bool:
    """Whether `what` comes true within WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while not what():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _succeeded(engine: Engine, *ids: str) -> Callable[[], bool]:
    return lambda: all(engine.get(i).status == "succeeded" for i in ids)


@pytest.fixture
def running(release: threading.Event) -> Iterator[Callable[[Worker], None]]:
    """Run a worker's loop on a thread of its own (as `statewright worker` does) until the test ends; then the
    hanging handler returns, and the worker stops once it has committed its outcome."""
    loops: list[tuple[Worker, threading.Event, threading.Thread]] = []

    def run(worker: Worker) -> None:
        stop = threading.Event()
        thread = threading.Thread(target=worker.run_forever, args=(stop,), kwargs={"poll_s": 0.05}, daemon=True)
        thread.start()
        loops.append((worker, stop, thread))

    yield run
    release.set()
    for worker, stop, thread in loops:
        stop.set()
        thread.join(WAIT_S)
        worker.close()


def test_a_worker_goes_on_past_a_quick_handler_that_hangs(
        engine: Engine, clock: ManualClock, release: threading.Event, running: Callable[[Worker], None],
        caplog: pytest.LogCaptureFixture) -> None:
    _flows(engine, release)
    worker = _warmed(engine)
    timer = engine.start("timer", {}).id
    # one batch: quick actions before the one that hangs and after it
    before = [engine.start("quick", {"name": f"before-{n}"}).id for n in range(3)]
    hung = engine.start("quick", {"name": "hang"}).id
    after = [engine.start("quick", {"name": f"after-{n}"}).id for n in range(3)]
    caplog.set_level(logging.WARNING, logger="statewright.worker")
    running(worker)

    assert _until(_succeeded(engine, *before, *after))  # the batch's others, those not started included
    later = engine.start("quick", {"name": "later"}).id
    assert _until(_succeeded(engine, later))  # it claims again
    clock.advance(61)
    assert _until(_succeeded(engine, timer))  # and fires timers

    assert engine.get(hung).status == "running"  # still in its handler, in flight
    assert [job.instance_id for job in worker.in_hand] == [hung]  # what a stop waits for, or a second one abandons
    said = [r.getMessage() for r in caplog.records if OVERRAN in r.getMessage()]
    assert len(said) == 1, said
    assert f"the action 'work' of instance {hung} has run" in said[0]
    assert "this worker goes on" in said[0]


def test_a_quick_action_let_go_that_ends_later_has_its_outcome_committed(
        engine: Engine, release: threading.Event, running: Callable[[Worker], None]) -> None:
    _flows(engine, release)
    worker = _warmed(engine)
    hung = engine.start("quick", {"name": "hang"}).id
    running(worker)
    other = engine.start("quick", {"name": "other"}).id
    assert _until(_succeeded(engine, other))  # the worker went on past it
    assert engine.get(hung).status == "running"

    release.set()  # the server answers at last

    assert _until(_succeeded(engine, hung))
    assert engine.get(hung).context["out"] == "late"
    assert [h.to_state for h in engine.history(hung)] == ["run", "done"]  # its first attempt's outcome, once
    assert_consistent(engine, hung)
    assert not worker.in_hand


def test_a_run_of_quick_actions_still_runs_one_after_the_other_and_commits_together(
        engine: Engine, release: threading.Event, caplog: pytest.LogCaptureFixture) -> None:
    threads: list[str] = []
    _flows(engine, release, threads)
    worker = _warmed(engine)
    ids = [engine.start("quick", {"name": f"n-{n}"}).id for n in range(20)]
    threads.clear()
    caplog.set_level(logging.WARNING, logger="statewright.worker")
    try:
        with counting_writes(engine) as writes:
            worker.run_once()
        assert all(_succeeded(engine, i)() for i in ids)  # in one round
        assert len(threads) == 20
        assert len(set(threads)) == 1  # one after the other on one thread: no hand-over an action
        assert writes == [2]  # the claim, and every outcome in one transaction
        assert worker.in_flight == 0
        assert not [r for r in caplog.records if OVERRAN in r.getMessage()]
    finally:
        worker.close()


def test_a_keyboard_interrupt_a_quick_handler_raises_is_its_own_failure(
        engine: Engine, release: threading.Event) -> None:
    """No Ctrl-C reaches the quick lane's thread (Python delivers it to the main thread): a KeyboardInterrupt there
    is the handler's own, and fails its task, as on any handler thread — it no longer stops the worker."""
    _flows(engine, release)
    worker = _warmed(engine)
    try:
        bad = engine.start("quick", {"name": "interrupt"}).id
        fine = engine.start("quick", {"name": "fine"}).id
        worker.run_until_idle()
        failed = engine.get(bad)
        assert failed.status == "failed"
        assert "KeyboardInterrupt" in str(failed.error)
        assert engine.get(fine).status == "succeeded"
    finally:
        worker.close()
