"""QA: `Engine.close()` did not stop the worker loops running on the engine. A `run_worker` thread found the
database closed under it and, taking that for an outage, logged "the database does not answer (the engine was
closed …); trying again every 1 s" for ever, keeping the process alive; an action running at close lost its outcome.
Now `close` stops them (sync and `AsyncEngine`), waits a bounded time for what they run to commit, and names what
still runs after that."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import pytest
from runtime_support import edge, final, run_async, task, workflow

from engine import AsyncEngine, Engine, StorageError
from engine.runtime.actions import ActionRequest

FLOW = workflow({"work": task("slow", output="out"), "done": final(), "failed": final("failure")},
                [edge("work", "done", "done"), edge("work", "failed", "error")])


def _worker_thread(engine: Engine, stop: threading.Event | None = None) -> threading.Thread:
    thread = threading.Thread(target=engine.run_worker, args=(stop or threading.Event(),), daemon=True,
                              name="qa-worker")
    thread.start()
    return thread


def test_close_stops_a_worker_thread_at_once_and_it_returns(database_url: str,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    stop = threading.Event()
    with caplog.at_level(logging.WARNING, "statewright.worker"):
        with Engine(database_url) as engine:
            thread = _worker_thread(engine, stop)
            time.sleep(0.5)  # asleep between rounds
            began = time.monotonic()
        thread.join(5)
        assert not thread.is_alive()
    assert time.monotonic() - began < 2
    assert not stop.is_set()  # the caller's own stop is left alone
    assert not [r for r in caplog.records if "does not answer" in r.getMessage()]


def test_an_action_running_at_close_commits_its_outcome_before_close_returns(database_url: str) -> None:
    started = threading.Event()

    def slow(request: ActionRequest) -> dict[str, Any]:
        started.set()
        time.sleep(0.5)
        return {"ok": True}

    engine = Engine(database_url)
    engine.register("slow", slow)
    engine.deploy(FLOW)
    run = engine.start("flow", {})
    thread = _worker_thread(engine)
    assert started.wait(10)
    engine.close()
    thread.join(5)
    assert not thread.is_alive()
    with Engine(database_url) as again:
        assert again.get(run.id).status == "succeeded"
        assert again.get(run.id).context["out"] == {"ok": True}


def test_close_waits_a_bounded_time_and_names_the_action_still_running(database_url: str,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    started, release = threading.Event(), threading.Event()

    def slow(request: ActionRequest) -> dict[str, Any]:
        started.set()
        release.wait(30)
        return {"ok": True}

    engine = Engine(database_url)
    engine.register("slow", slow)
    engine.deploy(FLOW)
    run = engine.start("flow", {})
    thread = _worker_thread(engine)
    assert started.wait(10)
    with caplog.at_level(logging.WARNING, "statewright.worker"):
        began = time.monotonic()
        engine.close(wait_s=0.3)
        took = time.monotonic() - began
        said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("closing the engine")]
        release.set()  # the handler ends after close: its loop cannot commit it, says so, and returns
        thread.join(10)
    assert took < 3
    assert len(said) == 1, said
    assert "the worker loop on thread qa-worker has not stopped within 0.3 s" in said[0]
    assert f"'slow' in 'work' (attempt 1, instance {run.id})" in said[0]
    assert not thread.is_alive()
    with Engine(database_url) as again:  # not applied here: a worker runs it again once its lease lapses
        assert again.get(run.id).status == "running"


def test_a_worker_on_a_closed_engine_is_refused_at_once(database_url: str) -> None:
    engine = Engine(database_url)
    engine.close()
    raised: list[BaseException] = []

    def work() -> None:
        try:
            engine.run_worker(threading.Event())
        except BaseException as exc:  # noqa: BLE001 - what the thread ended by, for the test
            raised.append(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(5)
    assert not thread.is_alive()
    assert len(raised) == 1
    assert isinstance(raised[0], StorageError)
    assert "the engine was closed (close() is final)" in str(raised[0])


def test_the_async_run_worker_returns_when_the_engine_closes(database_url: str) -> None:
    async def scenario() -> None:
        async with AsyncEngine(database_url) as engine:
            worker = asyncio.create_task(engine.run_worker(asyncio.Event()))
            await asyncio.sleep(0.3)
        await asyncio.wait_for(worker, 5)

    run_async(scenario())
