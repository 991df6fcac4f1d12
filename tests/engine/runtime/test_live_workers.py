"""Workers advertise themselves in the database (engine.runtime.live_workers): a worker loop's row, renewed by its
heartbeat and deleted when it stops, names the actions it has handlers for; a deploy in another process counts
the live workers' actions with its own, and a row not seen within its lease counts for nothing."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from runtime_support import edge, final, task, workflow

from engine.definition import Workflow
from engine.errors import InvalidDefinition, StorageError
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.heartbeat import Heartbeat
from engine.runtime.live_workers import LiveWorker, live_workers
from storage.workers import WorkerRecord, WorkerStore


def _tasked(action: str, *, id: str = "tasked") -> Workflow:
    return workflow({"work": task(action), "z": final(), "x": final("failure")},
                    [edge("work", "z", "done"), edge("work", "x", "error")], id=id)


def _advertised(engine: Engine, owner: str, actions: tuple[str, ...], *, seen_ago_s: float = 0.0) -> None:
    """A worker's row as another process's heartbeat would have written it `seen_ago_s` ago (lease 6 s)."""
    now = engine.clock.now()
    row = WorkerRecord(owner, "elsewhere", 4242, now - 3600, now - seen_ago_s, 6.0, actions)
    engine.runtime.write(lambda tx: WorkerStore(tx).announce(row))


def _rows(engine: Engine) -> int:
    return int(engine.runtime.read(lambda tx: tx.scalar("SELECT count(*) FROM workers")))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    with Engine(database_url, rng=random.Random(7), heartbeat_s=0.05) as built:
        yield built


def _wait_for(found: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + 30  # a bound, not a measure
    while not found():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_a_worker_loop_advertises_its_actions_while_it_runs_and_withdraws_when_it_stops(engine: Engine) -> None:
    engine.register("send_invoice", lambda request: {})
    engine.register("check_credit", lambda request: {})
    stop = threading.Event()
    loop = threading.Thread(target=engine.run_worker, args=(stop,), kwargs={"poll_s": 0.05})
    loop.start()
    try:
        _wait_for(lambda: live_workers(engine.runtime), "the worker never advertised itself")
        (first,) = live_workers(engine.runtime)
        assert first.actions == ("check_credit", "send_invoice")
        assert first.owner.startswith(f"{first.host}:{first.pid}:")
        _wait_for(lambda: live_workers(engine.runtime)[0].last_seen > first.last_seen,
                  "the heartbeat never renewed the worker's row")
    finally:
        stop.set()
        loop.join(30)
    assert live_workers(engine.runtime) == []
    assert _rows(engine) == 0  # deleted, not left to lapse


def test_a_deploy_counts_the_actions_of_the_live_workers_with_its_own(engine: Engine) -> None:
    engine.register("here", lambda request: {})
    _advertised(engine, "far-worker", ("far",))
    assert engine.deploy(_tasked("far")).created is True
    assert engine.deploy(_tasked("here", id="local")).created is True
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy(_tasked("nowhere", id="lost"))
    [finding] = refused.value.findings
    assert finding.code == "unknown-action"
    assert finding.message == (
        "Task 'work' runs action 'nowhere', but no handler of that name is registered here, nor does the live worker "
        "(far-worker) have one; an instance would fail there with unknown_action.")


def test_the_refusal_names_the_live_workers_when_there_are_many(engine: Engine) -> None:
    for n in range(7):
        _advertised(engine, f"w{n}", ("far",))
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy(_tasked("nowhere"))
    assert "nor does any of the 7 live workers (w0, w1, w2, w3, w4 and 2 more) have one" in str(refused.value)


def test_a_worker_not_seen_within_its_lease_counts_for_nothing(engine: Engine) -> None:
    _advertised(engine, "gone-worker", ("far",), seen_ago_s=60)
    assert live_workers(engine.runtime) == []
    assert engine.catalog().actions is None  # no handler here and no live worker: the actions go unchecked
    assert engine.deploy(_tasked("anything", id="unchecked")).created is True
    engine.register("here", lambda request: {})
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy(_tasked("far"))
    assert refused.value.findings[0].message == (
        "Task 'work' runs action 'far', but no handler of that name is registered; an instance would fail there "
        "with unknown_action.")


def test_without_handlers_here_the_live_workers_actions_are_checked(engine: Engine) -> None:
    _advertised(engine, "far-worker", ("far",))
    assert engine.catalog().actions == frozenset({"far"})
    assert engine.catalog().workers == ("far-worker",)
    assert engine.deploy(_tasked("far")).created is True
    with pytest.raises(InvalidDefinition, match="nor does the live worker"):
        engine.deploy(_tasked("typo", id="typo"))


def test_a_beat_writes_the_row_again_when_it_was_pruned(database_url: str) -> None:
    """A worker stalled past its lease (its row pruned by another's start) is listed again at its next beat."""
    clock = ManualClock()
    with Engine(database_url, clock=clock) as engine:
        beat = Heartbeat(engine.runtime, "stalled", 3600.0)  # beats only when told to
        try:
            beat.advertise(["a"])
            assert [w.owner for w in live_workers(engine.runtime)] == ["stalled"]
            clock.advance(3 * 3600 + 1)
            assert live_workers(engine.runtime) == []
            engine.runtime.write(lambda tx: WorkerStore(tx).prune(clock.now()))
            assert _rows(engine) == 0
            assert beat.beat() == 0  # no lease held: the row is all it writes
            (back,) = live_workers(engine.runtime)
            assert (back.owner, back.actions, back.last_seen) == ("stalled", ("a",), clock.now())
        finally:
            beat.close()
        assert _rows(engine) == 0


def test_the_listing_form_gives_times_as_text() -> None:
    worker = LiveWorker("h:1:ab", "h", 1, 1_900_000_000.0, 1_900_000_060.5, ("a", "b"))
    assert worker.as_dict() == {"owner": "h:1:ab", "host": "h", "pid": 1, "started_at": "2030-03-17T17:46:40Z",
                                "last_seen": "2030-03-17T17:47:40.500000Z", "actions": ["a", "b"]}


def test_an_idle_worker_beats_quietly_while_the_database_does_not_answer(
        engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The worker's loop says the database does not answer, once (`_Outage`): its heartbeat, which now beats with
    no job held too (to renew the worker's row), must not log a traceback every beat meanwhile."""
    beat = Heartbeat(engine.runtime, "idle", 3600.0)
    try:
        beat.advertise([])

        def refused(work: object, **_: object) -> None:
            raise StorageError("the database does not answer: connection refused")

        monkeypatch.setattr(engine.runtime, "write", refused)
        with caplog.at_level(logging.WARNING, logger="statewright.worker"):
            assert beat.beat() == 0
            beat.hold([1])
            assert beat.beat() == 0  # a lease it holds and cannot renew is worth a line (not a traceback)
        assert [r.getMessage() for r in caplog.records] == [
            "renewing the leases of 1 jobs failed (the database does not answer: connection refused); trying again "
            "at the next heartbeat"]
        assert caplog.records[0].exc_info is None
        monkeypatch.undo()
    finally:
        beat.close()
