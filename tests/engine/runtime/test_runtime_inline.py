"""Inline actions: a worker runs a chain of inline tasks of one instance in the transaction that recorded the
step before them, so the chain commits once — with the same history and attempts as when each task commits on
its own (and no job row for a task done in the transaction that enqueued it), and nothing of it kept if that
transaction does not commit.

The tests of the worker's fold start their instances with `eager_inline` off, so that the start leaves the first
task to a worker (with it on, the start runs the chain itself: test_runtime_eager_inline.py)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, task, workflow

from engine.definition import Workflow
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from storage.attempts import AttemptStore
from storage.jobs import JobStore

STEPS = 5


def _chain(action: str = "add", *, last: str | None = None) -> Workflow:
    """STEPS tasks adding 1 to x in a row (the last one's action `last`, when given), then the end."""
    states: dict[str, Any] = {
        f"s{i}": task(last if last and i == STEPS - 1 else action, input={"x": "x"}, output="x")
        for i in range(STEPS)
    }
    states |= {"end": final(), "failed": final("failure")}
    transitions = [edge(f"s{i}", f"s{i + 1}" if i + 1 < STEPS else "end", "done") for i in range(STEPS)]
    transitions.append(edge([f"s{i}" for i in range(STEPS)], "failed", "error", assign={"why": "event.kind"}))
    return workflow(states, transitions)


def _add(request: ActionRequest) -> int:
    return int(request.input["x"]) + 1


def _history(engine: Engine, instance_id: str) -> list[tuple[Any, ...]]:
    return [(h.seq, h.from_state, h.to_state, h.event, h.payload, h.context_change, h.status,
             [(a["attempt"], a["outcome"]) for a in h.attempts]) for h in engine.history(instance_id)]


def _jobs(engine: Engine, instance_id: str) -> list[tuple[str, str, int]]:
    found = engine.runtime.read(lambda tx: JobStore(tx).for_instance(instance_id))
    return [(job.idempotency_key.split(":")[1], job.status, job.attempt) for job in found]


def test_a_chain_of_inline_tasks_ends_in_one_round_as_it_would_task_by_task(database_url: str,
                                                                             clock: ManualClock) -> None:
    with Engine(database_url, clock=clock, eager_inline=False) as engine:
        engine.deploy(_chain())
        engine.register("add", _add)
        plain = engine.start("flow", {"x": 0})
        engine.run_until_idle()
        engine.register("add", _add, inline=True, replace=True)
        inline = engine.start("flow", {"x": 10})
        worker = engine.worker()
        worker.fold.budget_s = 60.0  # however loaded the machine, the whole chain folds
        try:
            assert worker.run_once() == 1  # one claim, one run of the first task: the rest folded into it
        finally:
            worker.close()
        done = engine.get(inline.id)
        assert (done.state, done.status, done.context) == ("end", "succeeded", {"x": 10 + STEPS})
        assert engine.get(plain.id).context == {"x": STEPS}
        steps = [(seq, source, dest, event, change, status, attempts)
                 for seq, source, dest, event, _, change, status, attempts in _history(engine, inline.id)]
        expected = [(seq, source, dest, event, change, status, attempts)
                    for seq, source, dest, event, _, change, status, attempts in _history(engine, plain.id)]
        for i, step in enumerate(expected):  # the same steps; only the values the tasks computed differ
            if step[4] and step[4].get("set", {}).get("x") is not None:
                expected[i] = (*step[:4], {**step[4], "set": {"x": step[4]["set"]["x"] + 10}}, *step[5:])
        assert steps == expected
        # the claimed job's row; the tasks the chain entered and did in the same transaction left none
        assert _jobs(engine, inline.id) == [("1", "done", 1)]
        attempts = engine.runtime.read(lambda tx: AttemptStore(tx).for_instance(inline.id))
        assert [(a.task_seq, a.attempt, a.outcome) for a in attempts] == [(s, 1, "done") for s in range(1, STEPS + 1)]
        assert_consistent(engine, inline.id)


def test_the_chain_stops_at_a_task_that_is_not_inline_and_the_next_round_runs_it(engine: Engine) -> None:
    engine.deploy(_chain(last="slow"))
    engine.register("add", _add, inline=True)
    engine.eager_inline = False  # the first task is claimed by the worker, the chain folded after it
    ran: list[str] = []

    @engine.register("slow")
    def slow(request: ActionRequest) -> int:
        ran.append(request.idempotency_key)
        return int(request.input["x"]) * 100

    started = engine.start("flow", {"x": 0})
    worker = engine.worker()
    worker.fold.budget_s = 60.0
    try:
        worker.run_once()
        after_first = engine.get(started.id)
        assert (after_first.state, after_first.context) == (f"s{STEPS - 1}", {"x": STEPS - 1})
        assert not ran  # not run in the fold: its job waits, ready, for a claim
        assert _jobs(engine, started.id)[-1] == (str(STEPS), "ready", 1)
        worker.run_until_idle()
    finally:
        worker.close()
    done = engine.get(started.id)
    assert (done.state, done.context) == ("end", {"x": (STEPS - 1) * 100})
    assert ran == [f"{started.id}:{STEPS}"]
    assert_consistent(engine, started.id)


def test_when_the_folds_time_runs_out_the_instances_reached_have_ended_and_the_others_wait_whole(
        engine: Engine) -> None:
    """The fold's budget bounds how long its transaction holds the write lock. When it runs out, the first
    instances of the batch have run their chains to the end and the others have not begun theirs (their next task
    queued, as it was claimed) — not every instance stopped half-way, to be claimed, read and updated once more."""
    engine.deploy(_chain())
    ticks = [0.0]  # the fold's clock: each action takes one unit of it, whatever the machine's load

    @engine.register("add", inline=True)
    def add(request: ActionRequest) -> int:
        ticks[0] += 1
        return int(request.input["x"]) + 1

    engine.eager_inline = False  # the three first tasks are claimed together
    first, *others = sorted(engine.start("flow", {"x": 0}).id for _ in range(3))
    worker = engine.worker()
    worker.fold.clock = lambda: ticks[0]
    worker.fold.budget_s = STEPS - 1.5  # enough for the first instance's chain after its claimed task, no more
    try:
        worker.run_once()  # claims the three first tasks, runs them, folds in what follows
        ended = engine.get(first)
        assert (ended.state, ended.context) == ("end", {"x": STEPS})
        for waiting in others:
            after = engine.get(waiting)
            assert (after.state, after.context) == ("s1", {"x": 1})
            assert _jobs(engine, waiting)[-1] == ("2", "ready", 1)
        worker.run_until_idle()
    finally:
        worker.close()
    for instance_id in (first, *others):
        assert (engine.get(instance_id).state, engine.get(instance_id).context) == ("end", {"x": STEPS})
        assert_consistent(engine, instance_id)


def test_an_inline_task_that_fails_retries_as_any_task_does(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_chain(last="flaky").model_copy(update={}))
    engine.register("add", _add, inline=True)
    calls: list[int] = []

    @engine.register("flaky", inline=True)
    def flaky(request: ActionRequest) -> int:
        calls.append(request.attempt)
        if request.attempt == 1:
            raise ActionError("unavailable", "try later")
        return -1

    retrying = workflow(
        {**{f"s{i}": task("add", input={"x": "x"}, output="x") for i in range(STEPS - 1)},
         f"s{STEPS - 1}": task("flaky", input={"x": "x"}, output="x",
                               retry={"max_attempts": 2, "initial_interval_s": 5, "retry_on": ["unavailable"]}),
         "end": final(), "failed": final("failure")},
        [*(edge(f"s{i}", f"s{i + 1}" if i + 1 < STEPS else "end", "done") for i in range(STEPS)),
         edge([f"s{i}" for i in range(STEPS)], "failed", "error")],
        id="retrying",
    )
    engine.deploy(retrying)
    started = engine.start("retrying", {"x": 0})
    engine.run_until_idle()
    waiting = engine.get(started.id)
    assert (waiting.state, calls) == (f"s{STEPS - 1}", [1])  # failed in the fold, its retry due in 5 s
    assert _jobs(engine, started.id)[-1] == (str(STEPS), "ready", 2)
    clock.advance(6)
    engine.run_until_idle()
    done = engine.get(started.id)
    assert (done.state, done.context, calls) == ("end", {"x": -1}, [1, 2])
    attempts = engine.runtime.read(lambda tx: AttemptStore(tx).for_instance(started.id))
    assert [(a.task_seq, a.attempt, a.outcome) for a in attempts][-2:] == [(STEPS, 1, "retry"), (STEPS, 2, "done")]
    assert_consistent(engine, started.id)


class _Crash(KeyboardInterrupt):
    """The worker process dying in the middle of the fold (as kill -9 would: nothing after it runs). A handler's
    failures, even a `BaseException` of its own, are outcomes; only a Ctrl-C on the worker's thread goes through."""


def test_a_crash_in_the_fold_keeps_nothing_of_it_and_the_chain_runs_again(engine: Engine,
                                                                          clock: ManualClock) -> None:
    engine.deploy(_chain())
    seen: list[str] = []
    crash = {"at": f"s{STEPS - 2}"}

    @engine.register("add", inline=True)
    def add(request: ActionRequest) -> int:
        seen.append(request.state)
        if request.state == crash.get("at"):
            del crash["at"]
            raise _Crash
        return int(request.input["x"]) + 1

    engine.eager_inline = False  # the worker, not the start, runs the chain (and dies in it)
    started = engine.start("flow", {"x": 0})
    doomed = engine.worker(owner="doomed")
    doomed.fold.budget_s = 60.0
    with pytest.raises(_Crash):
        doomed.run_once()
    after = engine.get(started.id)  # only the first claim was committed: the instance still sits in s0
    assert (after.state, after.version, after.context) == ("s0", 1, {"x": 0})
    assert [(h.seq, h.to_state) for h in engine.history(started.id)] == [(1, "s0")]
    assert _jobs(engine, started.id) == [("1", "running", 1)]
    doomed.close()
    clock.advance(engine.runtime.lease_s + 1)  # the dead worker's lease lapses; another takes the chain up
    engine.run_until_idle()
    done = engine.get(started.id)
    assert (done.state, done.context) == ("end", {"x": STEPS})
    assert seen == [f"s{i}" for i in range(STEPS - 1)] + [f"s{i}" for i in range(STEPS)]
    assert _jobs(engine, started.id) == [("1", "done", 2)]
    assert_consistent(engine, started.id)


def test_an_inline_action_that_overran_its_timeout_fails_with_kind_timeout(engine: Engine) -> None:
    engine.deploy(workflow(
        {"work": task("slow", timeout_s=0.01), "ok": final(), "bad": final("failure")},
        [edge("work", "ok", "done"), edge("work", "bad", "error", assign={"why": "event"})],
    ))

    @engine.register("slow", inline=True)
    def slow(request: ActionRequest) -> int:
        time.sleep(0.05)
        return 1

    done = engine.get(engine.start("flow").id)
    engine.run_until_idle()
    done = engine.get(done.id)
    assert (done.state, done.context["why"]["kind"]) == ("bad", "timeout")
    assert "did not finish within 0.01 s" in done.context["why"]["message"]
