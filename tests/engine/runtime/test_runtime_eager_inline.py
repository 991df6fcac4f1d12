"""Eager inline tasks: `engine.start` and `engine.send` run the chain of inline tasks the instance enters in their
own transaction, as a worker's fold would after them — the same history and attempts, and no job row for a task
done in the transaction that enqueued it — and answer with the instance as the chain left it. A task whose handler
this process lacks, a retry, a task that is not inline: queued for a worker, as before."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from runtime_support import assert_consistent, counting_writes, edge, final, task, workflow

from engine.definition import Workflow
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.async_engine import AsyncEngine
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from storage.attempts import AttemptStore
from storage.jobs import JobStore


def _chain(steps: int, *, action: str = "add", retry: dict[str, Any] | None = None, id: str = "flow",
           waits: bool = False) -> Workflow:
    """`steps` tasks adding 1 to x in a row, then the end (with `waits`: first a state waiting for 'go')."""
    extra = {} if retry is None else {"retry": retry}
    states: dict[str, Any] = {"idle": {"type": "wait", "duration": "P1D"}} if waits else {}
    states |= {f"s{i}": task(action, input={"x": "x"}, output="x", **extra) for i in range(steps)}
    states |= {"end": final(), "failed": final("failure")}
    transitions = [edge(f"s{i}", f"s{i + 1}" if i + 1 < steps else "end", "done") for i in range(steps)]
    transitions.append(edge([f"s{i}" for i in range(steps)], "failed", "error"))
    if waits:
        transitions.append(edge("idle", "s0", "go"))
    return workflow(states, transitions, id=id)


def _add(request: ActionRequest) -> int:
    return int(request.input["x"]) + 1


def _history(engine: Engine, instance_id: str) -> list[tuple[Any, ...]]:
    return [(h.seq, h.from_state, h.to_state, h.event, h.payload, h.context_change, h.status,
             [(a["attempt"], a["action"], a["outcome"], a["error"]) for a in h.attempts])
            for h in engine.history(instance_id)]


def _jobs(engine: Engine, instance_id: str) -> list[tuple[str, str, int]]:
    found = engine.runtime.read(lambda tx: JobStore(tx).for_instance(instance_id))
    return [(job.idempotency_key.split(":")[1], job.status, job.attempt) for job in found]


def _attempts(engine: Engine, instance_id: str) -> list[tuple[int, int, str, str]]:
    found = engine.runtime.read(lambda tx: AttemptStore(tx).for_instance(instance_id))
    return [(a.task_seq, a.attempt, a.state, a.outcome) for a in found]


def test_start_runs_a_chain_of_inline_tasks_and_records_what_a_worker_would(engine: Engine) -> None:
    engine.deploy(_chain(3))
    engine.register("add", _add, inline=True)
    engine.eager_inline = False
    queued = engine.start("flow", {"x": 0})
    assert (queued.state, queued.version) == ("s0", 1)  # opted out: the first task waits for a worker
    engine.run_until_idle()
    engine.eager_inline = True

    eager = engine.start("flow", {"x": 0})

    assert (eager.state, eager.status, eager.context, eager.version) == ("end", "succeeded", {"x": 3}, 4)
    assert engine.get(eager.id) == eager
    assert _history(engine, eager.id) == _history(engine, queued.id)
    assert _attempts(engine, eager.id) == _attempts(engine, queued.id) == [
        (1, 1, "s0", "done"), (2, 1, "s1", "done"), (3, 1, "s2", "done")]
    assert _jobs(engine, queued.id) == [("1", "done", 1)]  # claimed by a worker, which then did the others inline
    assert _jobs(engine, eager.id) == []  # each done in the transaction that enqueued it
    assert engine.run_until_idle() == 0  # nothing was left for a worker
    assert_consistent(engine, eager.id)


def test_an_inline_task_failing_in_start_is_retried_by_a_worker(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_chain(2, action="flaky", retry={"max_attempts": 2, "initial_interval_s": 5,
                                                   "retry_on": ["unavailable"]}))
    calls: list[tuple[str, int]] = []

    @engine.register("flaky", inline=True)
    def flaky(request: ActionRequest) -> int:
        calls.append((request.state, request.attempt))
        if request.state == "s0" and request.attempt == 1:
            raise ActionError("unavailable", "try later")
        return int(request.input["x"]) + 1

    started = engine.start("flow", {"x": 0})

    assert (started.state, started.version, calls) == ("s0", 1, [("s0", 1)])  # no loop in start: one attempt
    assert _jobs(engine, started.id) == [("1", "ready", 2)]  # its retry queued, due in 5 s
    assert _attempts(engine, started.id) == [(1, 1, "s0", "retry")]
    assert engine.run_until_idle() == 0  # not due yet
    clock.advance(6)
    engine.run_until_idle()
    done = engine.get(started.id)
    assert (done.state, done.context, calls) == ("end", {"x": 2}, [("s0", 1), ("s0", 2), ("s1", 1)])
    assert _attempts(engine, started.id) == [(1, 1, "s0", "retry"), (1, 2, "s0", "done"), (2, 1, "s1", "done")]
    assert_consistent(engine, started.id)


def test_a_start_from_an_engine_without_the_handler_queues_the_job_for_a_worker(database_url: str,
                                                                              clock: ManualClock) -> None:
    with Engine(database_url, clock=clock) as api, Engine(database_url, clock=clock) as workers:
        workers.register("add", _add, inline=True)
        api.register("other", _add, inline=True)  # inline handlers of its own, but not this one
        workers.deploy(_chain(3))
        started = api.start("flow", {"x": 0})
        assert (started.state, started.version) == ("s0", 1)
        assert _jobs(api, started.id) == [("1", "ready", 1)]
        workers.run_until_idle()
        done = api.get(started.id)
        assert (done.state, done.context) == ("end", {"x": 3})
        assert workers.start("flow", {"x": 0}).state == "end"  # where the handler is, the start runs it


def test_a_repeated_start_under_its_idempotency_key_answers_as_the_first(engine: Engine) -> None:
    engine.deploy(_chain(3))
    ran: list[str] = []

    @engine.register("add", inline=True)
    def add(request: ActionRequest) -> int:
        ran.append(request.state)
        return int(request.input["x"]) + 1

    first = engine.start("flow", {"x": 0}, idempotency_key="order-7")
    again = engine.start("flow", {"x": 0}, idempotency_key="order-7")

    assert (first.state, first.context) == ("end", {"x": 3})
    assert again == first
    assert ran == ["s0", "s1", "s2"]  # the repeat ran nothing
    assert engine.count_instances(workflow_id="flow") == 1


def test_send_into_an_inline_task_runs_the_chain(engine: Engine) -> None:
    engine.deploy(_chain(2, waits=True))
    engine.register("add", _add, inline=True)
    started = engine.start("flow", {"x": 5})
    assert started.state == "idle"

    sent = engine.send(started.id, "go", idempotency_key="go-1")

    assert (sent.state, sent.context, sent.version) == ("end", {"x": 7}, 4)
    assert engine.send(started.id, "go", idempotency_key="go-1") == sent  # a repeat gets the same answer
    assert _jobs(engine, started.id) == []
    assert _attempts(engine, started.id) == [(2, 1, "s0", "done"), (3, 1, "s1", "done")]
    assert_consistent(engine, started.id)


@pytest.mark.parametrize(("eager", "writes"), [(True, 1), (False, 3)])
def test_a_workflow_of_eight_inline_tasks_is_one_write_transaction(engine: Engine, eager: bool,
                                                                     writes: int) -> None:
    """One at a time, eagerly: the start alone, one durable commit; else start, a worker's claim, its finish
    (with the rest of the chain folded in)."""
    engine.deploy(_chain(8))
    engine.register("add", _add, inline=True)
    engine.eager_inline = eager
    worker = engine.worker()
    worker.fold.budget_s = engine._default_worker().fold.budget_s = 60.0  # however loaded the machine
    try:
        worker.run_once()  # its first round's chores (timers, schedules, shared memory) done before counting
        with counting_writes(engine) as count:
            started = engine.start("flow", {"x": 0})
            while engine.get(started.id).status != "succeeded":
                assert worker.run_once()
    finally:
        worker.close()
    assert count[0] == writes
    assert engine.get(started.id).context == {"x": 8}


def test_a_chain_cut_by_the_time_budget_leaves_its_next_task_queued(engine: Engine) -> None:
    """The start holds SQLite's write lock while its chain runs: past the fold's budget it stops, as a worker's fold
    does, and a worker runs the rest."""
    engine.deploy(_chain(5))
    ticks = [0.0]  # the fold's clock: each action takes one unit of it, whatever the machine's load

    @engine.register("add", inline=True)
    def add(request: ActionRequest) -> int:
        ticks[0] += 1
        return int(request.input["x"]) + 1

    fold = engine._default_worker().fold
    fold.clock, fold.budget_s = (lambda: ticks[0]), 1.5  # time for two tasks

    started = engine.start("flow", {"x": 0})

    assert (started.state, started.context) == ("s2", {"x": 2})
    assert _jobs(engine, started.id)[-1] == ("3", "ready", 1)
    worker = engine.worker()
    worker.fold.budget_s = 60.0
    try:
        worker.run_until_idle()
    finally:
        worker.close()
    assert (engine.get(started.id).state, engine.get(started.id).context) == ("end", {"x": 5})
    assert_consistent(engine, started.id)


class _Boom(Exception):
    """Something in the chain raising that is no handler's failure (a defect): the start must survive it."""


def test_a_chain_that_raises_does_not_lose_the_start(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    engine.deploy(_chain(2))
    engine.register("add", _add, inline=True)
    fold = engine._default_worker().fold

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise _Boom

    monkeypatch.setattr(fold, "chain", broken)
    started = engine.start("flow", {"x": 0}, idempotency_key="k")

    assert (started.state, started.version) == ("s0", 1)
    assert _jobs(engine, started.id) == [("1", "ready", 1)]
    monkeypatch.undo()
    engine.run_until_idle()
    assert engine.get(started.id).context == {"x": 2}
    assert engine.start("flow", {"x": 0}, idempotency_key="k") == started


def test_the_async_engine_starts_and_sends_eagerly_too(database_url: str, clock: ManualClock) -> None:
    async def scenario() -> None:
        async with AsyncEngine(database_url, clock=clock) as engine:
            await engine.deploy(_chain(2, waits=True))
            await engine.deploy(_chain(2, id="direct"))
            engine.register("add", _add, inline=True)
            ended = await engine.start("direct", {"x": 0})
            assert (ended.state, ended.context) == ("end", {"x": 2})
            started = await engine.start("flow", {"x": 1})
            sent = await engine.send(started.id, "go")
            assert (sent.state, sent.context) == ("end", {"x": 3})

    with ThreadPoolExecutor(max_workers=1) as pool:  # its own event loop, as an application's would be
        pool.submit(asyncio.run, scenario()).result()


def test_a_start_made_while_another_runs_in_the_process_queues_its_job_for_a_worker(tmp_path: Path,
                                                                                     clock: ManualClock) -> None:
    """Under load (a server's threads starting at once) each start running its own chain in its own transaction
    would give up the worker's batched commit; so on SQLite only a start that is alone runs its chain. (On
    PostgreSQL, starts made at once share a transaction instead: test_runtime_combined_starts.py.)"""
    with Engine(f"sqlite:///{tmp_path / 'one.db'}", clock=clock) as engine:
        _queued_while_another_runs(engine)


def _queued_while_another_runs(engine: Engine) -> None:
    release, inside = threading.Event(), threading.Event()

    def slow_add(request: ActionRequest) -> int:
        inside.set()
        assert release.wait(30)
        return int(request.input["x"]) + 1

    engine.register("slow_add", slow_add, inline=True)
    engine.register("add", _add, inline=True)
    engine.deploy(_chain(1, action="slow_add", id="slow"))
    engine.deploy(_chain(3, id="quick"))
    first: list[Any] = []
    running = threading.Thread(target=lambda: first.append(engine.start("slow", {"x": 0})))
    running.start()
    assert inside.wait(30)  # the first start runs its chain, inside its handler now
    timer = threading.Timer(0.3, release.set)  # on SQLite the second start waits for the first's write lock
    timer.start()
    second = engine.start("quick", {"x": 0})
    running.join(30)
    assert first[0].state == "end"  # alone when it began: its chain ran in its start
    assert (second.state, second.context["x"]) == ("s0", 0)  # another was running: its job waits for a worker
    engine.run_until_idle()
    assert (engine.get(second.id).state, engine.get(second.id).context["x"]) == ("end", 3)
    assert engine.start("quick", {"x": 5}).state == "end"  # alone again: eager again
