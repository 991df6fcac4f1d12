"""An attempt whose task is left while its action runs — the instance cancelled, or moved on by another event —
still ran, and what it spent was spent: its attempt is recorded (its outcome, its cost) and its cost counts
against the tenant's budget, as docs/runtime.md says. Before, leaving the task cancelled the job and let go of its
lease, so the worker's late outcome matched no job and nothing of the attempt was kept. On each database."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionError, ActionRequest, ActionResult, Cost
from engine.runtime.engine import Engine


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    return engine.runtime.read(lambda tx: [tuple(r) for r in tx.all(sql)])


def _answers(request: ActionRequest) -> ActionResult:
    return ActionResult({"late": True}, cost=Cost(1.25, tokens=1000, model="m"))


def _fails(request: ActionRequest) -> None:
    raise ActionError("upstream", "it failed after all", cost=Cost(0.5, tokens=400, model="m"))


@pytest.mark.parametrize("handler", [_answers, _fails], ids=["answers", "fails"])
@pytest.mark.parametrize("leave", ["event", "cancel"])
def test_a_left_tasks_late_attempt_is_recorded_with_its_cost(engine: Engine, leave: str,
                                                            handler: Callable[[ActionRequest], object]) -> None:
    running, release = threading.Event(), threading.Event()

    def slow(request: ActionRequest) -> object:
        running.set()
        assert release.wait(30)
        return handler(request)

    engine.register("slow", slow)
    engine.deploy(workflow(
        {"work": task("slow", output="out"), "ok": final(), "elsewhere": final()},
        [edge("work", "ok", "done"), edge("work", "elsewhere", "poke")], id="left_behind"))
    started = engine.start("left_behind")
    worker = threading.Thread(target=engine.run_until_idle)
    worker.start()
    assert running.wait(30)
    if leave == "event":
        engine.send(started.id, "poke")
    else:
        engine.cancel(started.id, actor="ops")
    release.set()
    worker.join(30)
    engine.run_until_idle()

    outcome, cost = ("done", 1.25) if handler is _answers else ("error", 0.5)
    assert _rows(engine, "SELECT attempt, outcome, cost FROM action_attempts") == [(1, outcome, cost)]
    assert _rows(engine, "SELECT amount, tokens FROM costs") == [(cost, 1000 if handler is _answers else 400)]
    assert engine.budget()["spent"] == pytest.approx(cost)
    attempts = [a for h in engine.history(started.id) for a in h.attempts or []]
    assert [(a["attempt"], a["outcome"], a["cost"]) for a in attempts] == [(1, outcome, cost)]
    assert engine.get(started.id).state == ("elsewhere" if leave == "event" else "work")
