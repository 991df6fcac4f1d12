"""An eager start or send and `Runtime.write`'s own retries (engine/runtime/commands.py, `_eagerly`).

The command's chain of inline tasks runs inside the command's write transaction, which `Runtime.write` runs again
on a conflict. Two ways to get this wrong, pinned here: a chain that raises (a defect, not a handler's failure)
being taken for a conflict and run again up to `Runtime.write`'s eight attempts, where the command must run once
more without it, its first task queued for a worker; and a conflict being taken for a broken chain, so the retry
leaves the chain to a worker, where the retry must run the command as it was — chain included — and record each
task once (the try that conflicted rolled back whole)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from runtime_support import assert_consistent, counting_writes, edge, final, task, workflow

from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine
from engine.runtime.views import InstanceView
from storage.attempts import AttemptStore
from storage.errors import ConnectionLost, GuardFailed, TransientConflict
from storage.jobs import JobStore

_CHAIN = {"s0": task("add", input={"x": "x"}, output="x"), "s1": task("add", input={"x": "x"}, output="x"),
          "end": final()}
_STEPS = [edge("s0", "s1", "done"), edge("s1", "end", "done")]
DIRECT = workflow(_CHAIN, _STEPS, id="direct")  # a start enters the chain
WAITING = workflow({"idle": {"type": "wait", "duration": "P1D"}, **_CHAIN}, [edge("idle", "s0", "go"), *_STEPS],
                   id="waiting")  # a send enters it
CHAIN_FAILED = "running the inline tasks of a start or send failed"


class _Boom(Exception):
    """Something in the chain raising that is no handler's failure (a defect)."""


def _conflict() -> GuardFailed:
    return GuardFailed("0 of 1 guarded rows matched: UPDATE instances SET ...")


def _command(engine: Engine, command: str) -> Callable[[], InstanceView]:
    """The command under test, ready to run: a start into the chain, or a send into it (its instance started)."""
    engine.deploy(DIRECT)
    engine.deploy(WAITING)
    if command == "start":
        return lambda: engine.start("direct", {"x": 0})
    waiting = engine.start("waiting", {"x": 0})
    return lambda: engine.send(waiting.id, "go")


def _attempts(engine: Engine, instance_id: str) -> list[tuple[int, str, str]]:
    found = engine.runtime.read(lambda tx: AttemptStore(tx).for_instance(instance_id))
    return [(a.attempt, a.state, a.outcome) for a in found]


def _job_statuses(engine: Engine, instance_id: str) -> list[str]:
    return [job.status for job in engine.runtime.read(lambda tx: JobStore(tx).for_instance(instance_id))]


def _chain_raising(engine: Engine, monkeypatch: pytest.MonkeyPatch,
                   raised: Callable[[int], Exception | None]) -> list[str]:
    """Make the default fold's chain raise `raised(n)` on its n-th run (counting from 1), or run as it would when
    that is None; the instances it was entered for, one per run."""
    fold = engine._default_worker().fold
    chain, entered = fold.chain, []

    def chain_or_raise(tx: Any, after: Any, stop_at: float | None = None) -> Any:
        entered.append(after.id)
        error = raised(len(entered))
        if error is not None:
            raise error
        return chain(tx, after, stop_at)

    monkeypatch.setattr(fold, "chain", chain_or_raise)
    return entered


def _chain_failures(caplog: pytest.LogCaptureFixture) -> int:
    return sum(CHAIN_FAILED in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("command", ["start", "send"])
@pytest.mark.parametrize(("conflict_first", "tries"), [(False, 2), (True, 3)])
def test_a_chain_that_raises_runs_its_command_once_more_without_it(
        engine: Engine, command: str, conflict_first: bool, tries: int, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """Once: not `Runtime.write`'s eight attempts. With a conflict at the first try's commit, the retry runs the chain
    again (and it raises this time), then the command runs once more without it."""
    engine.register("add", lambda request: int(request.input["x"]) + 1, inline=True)
    run = _command(engine, command)
    # the try that conflicts at its commit runs the chain through
    entered = _chain_raising(engine, monkeypatch, lambda n: None if conflict_first and n == 1 else _Boom())
    with counting_writes(engine, first_fails_with=_conflict() if conflict_first else None) as writes:
        view = run()

    assert (view.state, view.context) == ("s0", {"x": 0})  # the command took effect, its chain did not
    assert (len(entered), writes[0]) == (tries - 1, tries)
    assert _chain_failures(caplog) == 1
    assert _job_statuses(engine, view.id) == ["ready"]  # the first task's job, queued for a worker
    monkeypatch.undo()
    engine.run_until_idle()
    assert (engine.get(view.id).state, engine.get(view.id).context) == ("end", {"x": 2})
    assert_consistent(engine, view.id)


@pytest.mark.parametrize("command", ["start", "send"])
def test_a_conflict_retried_by_the_write_runs_the_chain_again(engine: Engine, command: str,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    ran: list[str] = []

    @engine.register("add", inline=True)
    def add(request: ActionRequest) -> int:
        ran.append(request.state)
        return int(request.input["x"]) + 1

    run = _command(engine, command)
    with caplog.at_level(logging.WARNING), counting_writes(engine, first_fails_with=_conflict()) as writes:
        view = run()

    assert (view.state, view.context) == ("end", {"x": 2})  # the retry ran the chain, as the first try had
    assert (ran, writes[0]) == (["s0", "s1", "s0", "s1"], 2)
    assert _attempts(engine, view.id) == [(1, "s0", "done"), (1, "s1", "done")]  # the first try rolled back whole
    assert _job_statuses(engine, view.id) == []  # each done in the transaction that enqueued it
    assert _chain_failures(caplog) == 0
    assert engine.run_until_idle() == 0  # nothing was left for a worker
    assert_consistent(engine, view.id)


@pytest.mark.parametrize("command", ["start", "send"])
@pytest.mark.parametrize("error", [TransientConflict("deadlock detected"), ConnectionLost("the server closed it")])
def test_a_database_error_inside_the_chain_runs_the_command_again_chain_and_all(
        engine: Engine, command: str, error: Exception, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """A deadlock the database broke, or a connection it dropped, while the chain ran is no defect of the chain:
    the write runs the command again, chain included, as for the command's own statements — not logged as a broken
    chain, not left to a worker."""
    engine.register("add", lambda request: int(request.input["x"]) + 1, inline=True)
    run = _command(engine, command)
    entered = _chain_raising(engine, monkeypatch, lambda n: error if n == 1 else None)
    with caplog.at_level(logging.WARNING), counting_writes(engine) as writes:
        view = run()

    assert (view.state, view.context) == ("end", {"x": 2})
    assert (len(entered), writes[0]) == (2, 2)
    assert _chain_failures(caplog) == 0
    assert _attempts(engine, view.id) == [(1, "s0", "done"), (1, "s1", "done")]
    assert engine.run_until_idle() == 0
    assert_consistent(engine, view.id)
