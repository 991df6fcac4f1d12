"""An action that takes its time — a model call of minutes, a handler hung until its timeout — holds back none of
its worker's other work: the worker keeps it in flight, its lease renewed, while it fires due timers and runs the
jobs it claims into its free slots, and commits its outcome when it ends. A worker used to wait for the whole
batch it had claimed before it claimed again or fired a timer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.worker import Worker

DEADLINE_S = 30  # bounded, not measured: a loaded machine is slow, a stalled worker never gets there


def _until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def _deploy(engine: Engine) -> None:
    engine.deploy(workflow({"work": task("slow", output="out"), "done": final()}, [edge("work", "done", "done")],
                           id="slow"))
    engine.deploy(workflow({"work": task("quick", output="out", timeout_s=20), "done": final()},
                           [edge("work", "done", "done")], id="quick"))
    engine.deploy(workflow({"cool_off": {"type": "wait", "duration": "PT1M"}, "go": final()},
                           [edge("cool_off", "go", "done")], id="timer"))


def _deploy_slow(engine: Engine) -> tuple[threading.Event, threading.Event]:
    """The flows deployed, 'slow' registered to run until the first event is set; the second is set once it runs."""
    _deploy(engine)
    release, begun = threading.Event(), threading.Event()

    @engine.register("slow")
    def slow(request: ActionRequest) -> str:
        begun.set()
        assert release.wait(DEADLINE_S * 2)
        return "late"

    return release, begun


@contextmanager
def _running(worker: Worker) -> Iterator[threading.Event]:
    stop = threading.Event()
    loop = threading.Thread(target=worker.run_forever, args=(stop,), kwargs={"poll_s": 0.05}, daemon=True)
    loop.start()
    try:
        yield stop
    finally:
        stop.set()
        loop.join(DEADLINE_S)
        worker.close()


def test_a_slow_action_in_flight_holds_back_neither_other_tasks_nor_timers(engine: Engine, clock: ManualClock) -> None:
    release, begun = _deploy_slow(engine)
    engine.register("quick", lambda request: "soon")
    worker = engine.worker(batch=4, owner="w")
    with _running(worker):
        hanging = engine.start("slow")
        assert begun.wait(DEADLINE_S)
        quick = [engine.start("quick") for _ in range(3)]
        waiting = engine.start("timer")
        clock.advance(61)
        assert _until(lambda: all(engine.get(q.id).state == "done" for q in quick)), "the quick tasks waited"
        assert _until(lambda: engine.get(waiting.id).state == "go"), "the due timer waited"
        assert engine.get(hanging.id).state == "work"
        assert [job.instance_id for job in worker.in_hand] == [hanging.id]
        release.set()
        assert _until(lambda: engine.get(hanging.id).state == "done")
    assert engine.get(hanging.id).context["out"] == "late"
    assert worker.in_hand == ()


def test_a_worker_whose_every_slot_is_taken_still_fires_timers(engine: Engine, clock: ManualClock) -> None:
    release, begun = _deploy_slow(engine)
    engine.register("quick", lambda request: "soon")
    worker = engine.worker(batch=1, owner="w")
    with _running(worker):
        hanging = engine.start("slow")
        assert begun.wait(DEADLINE_S)
        waiting = engine.start("timer")
        clock.advance(61)
        assert _until(lambda: engine.get(waiting.id).state == "go"), "the due timer waited"
        quick = engine.start("quick")  # no slot is free: it waits for the slow one ...
        time.sleep(0.3)
        assert engine.get(quick.id).state == "work"
        release.set()  # ... and runs once it has ended
        assert _until(lambda: engine.get(quick.id).state == "done")
    assert engine.get(hanging.id).state == "done"


def test_a_stopped_worker_lets_the_actions_in_flight_end_and_commits_them(engine: Engine) -> None:
    """SIGTERM or Ctrl-C sets `stop`: the worker says it waits for what runs, and must not drop it."""
    release, begun = _deploy_slow(engine)
    worker = engine.worker(batch=4, owner="w")
    stop = threading.Event()
    loop = threading.Thread(target=worker.run_forever, args=(stop,), kwargs={"poll_s": 0.05}, daemon=True)
    loop.start()
    try:
        hanging = engine.start("slow")
        assert begun.wait(DEADLINE_S)
        stop.set()
        time.sleep(0.3)
        assert loop.is_alive(), "the worker left before its action ended"
        release.set()
        loop.join(DEADLINE_S)
        assert not loop.is_alive()
    finally:
        release.set()
        worker.close()
    assert engine.get(hanging.id).state == "done"
    assert engine.get(hanging.id).context["out"] == "late"


def test_a_hung_action_times_out_in_flight_while_the_rest_runs(engine: Engine) -> None:
    engine.deploy(workflow({"work": task("hang", output="out", timeout_s=0.5), "ok": final(),
                            "bad": final("failure")},
                           [edge("work", "ok", "done"), edge("work", "bad", "error", assign={"why": "event.kind"})],
                           id="hangs"))
    _deploy(engine)
    release = threading.Event()
    engine.register("hang", lambda request: release.wait(DEADLINE_S * 2))
    engine.register("quick", lambda request: "soon")
    worker = engine.worker(batch=2, owner="w")
    try:
        with _running(worker):
            hung = engine.start("hangs")
            quick = [engine.start("quick") for _ in range(5)]
            assert _until(lambda: engine.get(hung.id).state == "bad")
            assert _until(lambda: all(engine.get(q.id).state == "done" for q in quick))
    finally:
        release.set()
    assert engine.get(hung.id).context["why"] == "timeout"


def test_run_until_idle_still_waits_for_every_action_it_started(engine: Engine) -> None:
    _deploy(engine)
    engine.register("slow", lambda request: time.sleep(1.5) or "late")
    engine.register("quick", lambda request: "soon")
    slow_one = engine.start("slow")
    quick = engine.start("quick")
    worker = engine.worker(batch=4, owner="w")
    try:
        worker.run_until_idle()
    finally:
        worker.close()
    assert (engine.get(slow_one.id).state, engine.get(quick.id).state) == ("done", "done")
