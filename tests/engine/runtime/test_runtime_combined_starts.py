"""Starts made at once on PostgreSQL share one transaction (`engine.runtime.combined_starts`): each with its chain of
inline tasks, each answered as on its own, and what one of them raises costs the others nothing.

Each test holds the first start inside its inline handler (`_Gate`) until the others have queued behind it, so the
batch that follows is exactly those."""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
from runtime_support import assert_consistent, counting_writes, edge, final, task, workflow

from engine.definition import Workflow
from engine.errors import InvalidInput
from engine.runtime.actions import ActionRequest
from engine.runtime.combined_starts import CombinedStarts
from engine.runtime.engine import Engine
from storage.errors import GuardFailed

pytestmark = pytest.mark.postgres

CALLER: contextvars.ContextVar[str] = contextvars.ContextVar("caller", default="nobody")


def _chain(steps: int, action: str = "add", *, id: str = "flow") -> Workflow:
    states: dict[str, Any] = {f"s{i}": task(action, input={"x": "x"}, output="x") for i in range(steps)}
    states["end"] = final()
    return workflow(states, [edge(f"s{i}", f"s{i + 1}" if i + 1 < steps else "end", "done") for i in range(steps)],
                    id=id, context={"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]})


class _Gate:
    """The inline action of the 'gate' flow: it holds the start that runs it until `waiting` starts have queued
    behind it (or `release` is set)."""

    def __init__(self, starts: CombinedStarts) -> None:
        self.starts, self.waiting = starts, 0
        self.inside, self.release = threading.Event(), threading.Event()

    def __call__(self, request: ActionRequest) -> int:
        self.inside.set()
        deadline = time.monotonic() + 30
        while len(self.starts._queue) < self.waiting and not self.release.is_set():
            assert time.monotonic() < deadline, "the other starts never queued"
            time.sleep(0.005)
        return int(request.input["x"]) + 1


@pytest.fixture
def engine(postgres_database_url: str) -> Iterator[Engine]:
    with Engine(postgres_database_url) as built:
        assert built._starts is not None
        # each test is about what a batch does, not about time: a loaded machine must not end a batch for its time
        # budget, nor make a queued start give up waiting (the test of patience sets its own)
        built._starts.budget_s = built._starts.patience_s = 30.0
        built._starts.patience_s = 30.0  # the queued starts wait for the gate, however loaded the machine
        built.register("add", lambda request: int(request.input["x"]) + 1, inline=True)
        built.deploy(_chain(3))
        yield built


@pytest.fixture
def gate(engine: Engine) -> _Gate:
    assert engine._starts is not None
    gate = _Gate(engine._starts)
    engine.register("gate", gate, inline=True)
    engine.deploy(_chain(1, "gate", id="gate"))
    return gate


def _behind_the_gate(engine: Engine, gate: _Gate, calls: list[Callable[[], Any]]) -> tuple[Any, list[Future[Any]]]:
    """Start a 'gate' instance, then make `calls` from threads of their own while it is being written; the gate's
    view and the calls' futures (done)."""
    gate.waiting = len(calls)
    with ThreadPoolExecutor(len(calls) + 1) as pool:
        first = pool.submit(engine.start, "gate", {"x": 0})
        assert gate.inside.wait(30)
        futures = [pool.submit(call) for call in calls]
        gated = first.result(30)
        for future in futures:
            future.exception(30)
    return gated, futures


def test_starts_made_while_one_is_written_are_written_together_each_with_its_chain(engine: Engine, gate: _Gate) -> None:
    with counting_writes(engine) as writes:
        gated, futures = _behind_the_gate(engine, gate, [lambda n=n: engine.start("flow", {"x": n}) for n in range(5)])

    assert (gated.state, gated.context) == ("end", {"x": 1})
    views = [future.result() for future in futures]
    assert [(v.state, v.context["x"]) for v in views] == [("end", n + 3) for n in range(5)]
    assert engine._starts is not None
    assert engine._starts.batches == 1
    assert writes[0] == 2  # the gate's start on its own, then the five together
    for view in views:
        assert engine.get(view.id) == view
        assert_consistent(engine, view.id)
        assert [h.to_state for h in engine.history(view.id)] == ["s0", "s1", "s2", "end"]


def test_a_start_that_raises_in_a_batch_gets_its_error_and_the_others_are_written(engine: Engine, gate: _Gate) -> None:
    calls: list[Callable[[], Any]] = [lambda n=n: engine.start("flow", {"x": n}) for n in range(4)]
    calls.insert(2, lambda: engine.start("flow", {"x": "not a number"}))

    _, futures = _behind_the_gate(engine, gate, calls)

    error = futures[2].exception()
    assert isinstance(error, InvalidInput)
    assert "/x" in str(error)
    views = [future.result() for n, future in enumerate(futures) if n != 2]
    assert [(v.state, v.context["x"]) for v in views] == [("end", n + 3) for n in range(4)]
    assert engine._starts is not None
    assert engine._starts.batches == 1  # the four, together, once the fifth left
    assert engine.count_instances(workflow_id="flow") == 4


def test_two_starts_under_one_idempotency_key_answer_with_one_instance(engine: Engine, gate: _Gate) -> None:
    calls: list[Callable[[], Any]] = [lambda: engine.start("flow", {"x": 1}, idempotency_key="k")] * 2
    calls.append(lambda: engine.start("flow", {"x": 5}))

    _, futures = _behind_the_gate(engine, gate, calls)

    first, second, other = (future.result() for future in futures)
    assert first == second
    assert first.context == {"x": 4}
    assert other.context == {"x": 8}
    assert engine.count_instances(workflow_id="flow") == 2


def test_each_start_of_a_batch_runs_its_handlers_in_its_callers_context(engine: Engine, gate: _Gate) -> None:
    """Its trace, among others: a handler sees its own caller's context variables, not the thread's that wrote
    the batch."""
    engine.register("tag", lambda request: CALLER.get(), inline=True)
    engine.deploy(workflow({"tag": task("tag", output="who"), "end": final()}, [edge("tag", "end", "done")],
                           id="tagged"))

    def start_as(name: str) -> Any:
        CALLER.set(name)
        return engine.start("tagged", {})

    _, futures = _behind_the_gate(engine, gate, [lambda name=name: start_as(name) for name in ("ann", "bob", "cy")])

    assert [future.result().context["who"] for future in futures] == ["ann", "bob", "cy"]
    assert engine._starts is not None
    assert engine._starts.batches == 1


def test_a_batch_that_fails_at_its_commit_leaves_each_start_to_run_on_its_own(engine: Engine, gate: _Gate) -> None:
    """As when another process deployed a newer version meanwhile: each start then runs again, alone, and commits
    once."""
    assert engine._starts is not None
    gate.waiting = 3
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(engine.start, "gate", {"x": 0})
        assert gate.inside.wait(30)
        with counting_writes(engine, first_fails_with=GuardFailed("a newer version")) as writes:
            futures = [pool.submit(engine.start, "flow", {"x": n}) for n in range(3)]
            first.result(30)
            views = [future.result(30) for future in futures]

    assert [(v.state, v.context["x"]) for v in views] == [("end", n + 3) for n in range(3)]
    assert writes[0] == 4  # the batch, rolled back at its commit, then each start on its own
    assert engine._starts.batches == 0
    assert engine.count_instances(workflow_id="flow") == 3
    for view in views:
        assert_consistent(engine, view.id)


def test_a_start_kept_waiting_by_slow_inline_handlers_runs_on_its_own(engine: Engine, gate: _Gate) -> None:
    assert engine._starts is not None
    engine._starts.patience_s = 0.05
    gate.waiting = 99  # held until released
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(engine.start, "gate", {"x": 0})
        assert gate.inside.wait(30)
        other = engine.start("flow", {"x": 0})  # while the gate still holds the first
        assert not first.done()
        gate.release.set()
        assert first.result(30).state == "end"
    assert (other.state, other.context) == ("end", {"x": 3})
    assert engine._starts.batches == 0
