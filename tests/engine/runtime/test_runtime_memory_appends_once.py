"""An append a handler made before its attempt failed is not made again by the retry: the list holds the item
once. Before, a handler that appended to a list and then failed (a model call timing out after it) appended again
on each retry, and the Support Squad's escalations listed one ticket as often as its task was tried. The same
append is recognised by its place in the attempt (the first, second… append to that key) and its item; an
append the earlier attempt did not make is made. On each database."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

RETRY = {"max_attempts": 3, "initial_interval_s": 1, "jitter": False}


def _deploy(engine: Engine, inline: bool, handler: Any) -> str:
    engine.register("note", handler, inline=inline)
    engine.deploy(workflow({"note": task("note", output="out", retry=RETRY), "done": final()},
                           [edge("note", "done", "done")], id="noting"))
    return engine.start("noting").id


def _run(engine: Engine, clock: ManualClock) -> None:
    for _ in range(4):
        engine.run_until_idle()
        clock.advance(2)


@pytest.mark.parametrize("inline", [False, True], ids=["on a handler thread", "inline"])
def test_a_retried_attempt_appends_what_the_failed_one_appended_once(engine: Engine, clock: ManualClock,
                                                                     inline: bool) -> None:
    def note(request: ActionRequest) -> str:
        assert request.memory is not None
        request.memory.workflow.append("seen", {"ticket": "T-1"})
        engine.memory.append("escalations", "T-1", tenant=request.tenant)  # through the engine's API too
        if request.attempt < 3:
            raise ActionError("timeout", "the model did not answer")
        request.memory.workflow.append("seen", {"ticket": "T-1", "closed": True})  # only the last attempt's
        return "ok"

    instance = _deploy(engine, inline, note)
    _run(engine, clock)
    assert engine.get(instance).state == "done"
    seen = engine.memory.get_list("seen", instance_id=instance)
    assert seen == [{"ticket": "T-1"}, {"ticket": "T-1", "closed": True}]
    assert engine.memory.get_list("escalations") == ["T-1"]


def test_an_append_of_another_item_by_a_retry_is_made(engine: Engine, clock: ManualClock) -> None:
    def note(request: ActionRequest) -> str:
        engine.memory.append("tries", f"attempt {request.attempt}")
        if request.attempt < 2:
            raise ActionError("timeout", "the model did not answer")
        return "ok"

    _deploy(engine, False, note)
    _run(engine, clock)
    assert engine.memory.get_list("tries") == ["attempt 1", "attempt 2"]


def test_two_appends_of_one_item_in_one_attempt_are_both_made(engine: Engine, clock: ManualClock) -> None:
    def note(request: ActionRequest) -> str:
        engine.memory.append("ticks", "tick")
        engine.memory.append("ticks", "tick")
        if request.attempt < 2:
            raise ActionError("timeout", "the model did not answer")
        return "ok"

    _deploy(engine, False, note)
    _run(engine, clock)
    assert engine.memory.get_list("ticks") == ["tick", "tick"]


def test_an_async_handler_appends_once_too(engine: Engine, clock: ManualClock) -> None:
    async def note(request: ActionRequest) -> str:
        await asyncio.sleep(0)
        engine.memory.append("seen", "T-9")
        if request.attempt < 2:
            raise ActionError("timeout", "the model did not answer")
        return "ok"

    _deploy(engine, False, note)
    _run(engine, clock)
    assert engine.memory.get_list("seen") == ["T-9"]


def test_outside_any_handler_each_append_is_made(engine: Engine) -> None:
    engine.memory.append("log", "same")
    engine.memory.append("log", "same")
    assert engine.memory.get_list("log") == ["same", "same"]
