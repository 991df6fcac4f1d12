"""An action that never returns (a handler without `timeout_s` that hangs) holds back no other job for long.

A job taken up after its worker died runs alone, as it may be what killed that worker; and a worker with jobs in
flight takes no such job. Both rules held a worker still for good when the job in question hung instead: an
outside run saw a backlog of 2,000 instances stand at zero across two worker restarts, each new worker taking the
next hung job. Now a job in flight that has run `SUSPECT_LEASES` leases with nothing to bound it (no timeout, or
taken up after its lease lapsed) holds back nothing: the worker claims beside it again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.worker import SUSPECT_LEASES, Worker


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Lets the hanging handler return once the test is over (a thread Python cannot stop)."""
    event = threading.Event()
    yield event
    event.set()


def _flows(engine: Engine, release: threading.Event) -> None:
    @engine.register("hang")
    def hang(request: ActionRequest) -> str:
        release.wait(120)
        return "late"

    @engine.register("work")
    def work(request: ActionRequest) -> int:
        return request.attempt

    for flow_id, action in (("hung", "hang"), ("quick", "work")):
        engine.deploy(workflow({"run": task(action, output="out"), "done": final()}, [edge("run", "done", "done")],
                               id=flow_id))


def _statuses(engine: Engine, ids: list[str]) -> list[str]:
    return [engine.get(i).status for i in ids]


def _rounds(worker: Worker, n: int) -> None:
    for _ in range(n):
        worker.run_once()


def test_a_job_taken_up_after_its_worker_died_that_hangs_holds_back_the_others_only_for_a_while(
        engine: Engine, clock: ManualClock, release: threading.Event) -> None:
    _flows(engine, release)
    hung = engine.start("hung").id
    assert engine.worker(owner="dying").claim()  # the worker running it dies: its lease lapses
    clock.advance(engine.runtime.lease_s + 1)
    worker = engine.worker(owner="survivor")
    try:
        worker.run_once()  # takes the hung job up, alone, as its next attempt
        quick = [engine.start("quick").id for _ in range(3)]
        _rounds(worker, 2)
        assert _statuses(engine, quick) == ["running"] * 3  # held back: the job may be what killed its worker

        clock.advance(SUSPECT_LEASES * engine.runtime.lease_s + 1)  # it has run that long without killing this one
        _rounds(worker, 3)

        assert _statuses(engine, quick) == ["succeeded"] * 3
        assert engine.get(hung).status == "running"  # still in its handler
    finally:
        release.set()
        worker.drain()
        worker.close()
    assert engine.get(hung).context["out"] == "late"


def test_a_worker_whose_action_hangs_without_a_timeout_still_takes_up_a_job_whose_worker_died(
        engine: Engine, clock: ManualClock, release: threading.Event) -> None:
    _flows(engine, release)
    hung = engine.start("hung").id
    worker = engine.worker(owner="survivor")
    try:
        worker.run_once()  # the hung job, in flight on a thread of its own
        orphan = engine.start("quick").id
        assert engine.worker(owner="dying").claim()  # taken by a worker that dies with it
        clock.advance(engine.runtime.lease_s + 1)
        _rounds(worker, 2)
        assert engine.get(orphan).status == "running"  # a worker with a job in flight takes up no lapsed job...

        clock.advance(SUSPECT_LEASES * engine.runtime.lease_s)
        _rounds(worker, 3)

        assert engine.get(orphan).status == "succeeded"  # ...but one that may hang for good holds back nothing
        assert engine.get(hung).status == "running"
    finally:
        release.set()
        worker.drain()
        worker.close()
