"""A handler that returns a value of JSON types the tables still cannot keep — a NaN, an infinity, an integer of
more digits than Python converts to text, a string with a lone surrogate, a dict that contains itself — fails
its task with the error kind `output` (not retried), and the worker goes on. Before, the value reached the
encoder when the step was written: the worker stopped with a traceback, the instance stayed `running`, and
every worker that claimed the job again stopped the same way. So did an async handler cancelled inside."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from runtime_support import edge, final, task, workflow

from engine.definition import Workflow
from engine.runtime.actions import ActionError, ActionRequest, ActionResult, Cost
from engine.runtime.engine import Engine


def _contains_itself() -> dict[str, Any]:
    loop: dict[str, Any] = {"name": "loop"}
    loop["self"] = loop
    return loop


UNSTORABLE: dict[str, tuple[Any, str]] = {
    "nan": ({"score": math.nan}, "Out of range float values are not JSON compliant"),
    "infinity": ([1.0, -math.inf], "Out of range float values are not JSON compliant"),
    "long integer": ({"n": 10**5000}, "Exceeds the limit (4300 digits) for integer string conversion"),
    "lone surrogate": ({"text": "caf\ud800"}, "a string in it is not valid Unicode (a lone surrogate"),
    "contains itself": (_contains_itself(), "it contains itself, or nests too deep"),
    "too large": ({"page": "x" * (1024 * 1024)}, "it takes 1,048,587 bytes as JSON, more than the 1,048,576"),
}


def _flow(action: str) -> Workflow:
    return workflow(
        {"work": task(action, output="out"), "ok": final(), "failed": final("failure")},
        [edge("work", "ok", "done"), edge("work", "failed", "error", assign={"why": "event"})],
        id=action,
    )


def _deploy(engine: Engine, name: str, handler: Any) -> None:
    engine.register(name, handler)
    engine.deploy(_flow(name))


@pytest.mark.parametrize("alone", [True, False], ids=["one job", "a batch"])
def test_an_unstorable_output_fails_the_task_and_the_worker_goes_on(engine: Engine, alone: bool) -> None:
    """Each run alone (the worker's one-job path) and all in one batch (its concurrent path), beside a task
    that returns a plain value."""
    calls: dict[str, int] = {}

    def returning(name: str, value: Any) -> Any:
        def handler(_request: ActionRequest) -> Any:
            calls[name] = calls.get(name, 0) + 1
            return value
        return handler

    for index, (value, _) in enumerate(UNSTORABLE.values()):
        _deploy(engine, f"odd{index}", returning(f"odd{index}", value))
    _deploy(engine, "plain", returning("plain", {"score": 0.5}))
    started = {}
    for index in range(len(UNSTORABLE)):
        started[f"odd{index}"] = engine.start(f"odd{index}", {}).id
        if alone:
            engine.run_until_idle()
    started["plain"] = engine.start("plain", {}).id
    engine.run_until_idle()

    for index, (case, (_, reason)) in enumerate(UNSTORABLE.items()):
        ended = engine.get(started[f"odd{index}"])
        assert ended.state == "failed", case
        why = ended.context["why"]
        assert why["kind"] == "output", case
        assert why["message"].startswith("the action returned a value that cannot be stored as JSON: " + reason)
        assert calls[f"odd{index}"] == 1, case  # not retried: the same value would come back
    plain = engine.get(started["plain"])
    assert (plain.state, plain.context["out"]) == ("ok", {"score": 0.5})


NOT_JSON = "the action returned a value that is not JSON: at "
UNSTORABLE_AT = "the action returned a value that cannot be stored as JSON: "


@pytest.mark.parametrize(("output", "message"), [
    ({"lead": {"seen": object()}}, NOT_JSON + "/lead/seen, an object is not a JSON value"),
    ({"tags": [1, {2, 3}]}, NOT_JSON + "/tags/1, a set is not a JSON value"),
    ({2, 3}, NOT_JSON + "/, a set is not a JSON value"),
    ({"scores": [0.5, math.nan]}, UNSTORABLE_AT + "Out of range float values are not JSON compliant (at /scores/1)"),
    (_contains_itself(), UNSTORABLE_AT + "it contains itself, or nests too deep (at /self)"),
    # keys that are not text were turned into text ('1', 'None', 'True'): two could become one, the output changed
    ({"lead": {1: "int", "1": "str"}}, NOT_JSON + "/lead, the key 1 is not text: JSON object keys are text"),
    ({None: 1}, NOT_JSON + "/, the key None is not text: JSON object keys are text"),
    ({"raw": b"\xff\xfe"}, NOT_JSON + "/raw, bytes that are not UTF-8 text cannot be stored"),  # was replaced by '�'
], ids=["object", "set inside", "set", "nan", "contains itself", "int key", "None key", "bytes not UTF-8"])
def test_an_output_that_cannot_be_stored_fails_its_task_naming_where(engine: Engine, output: Any,
                                                                     message: str) -> None:
    """An operator reading the failure knows which part of the handler's answer to fix."""
    _deploy(engine, "answer", lambda _request: output)
    run = engine.start("answer", {})
    engine.run_until_idle()
    why = engine.get(run.id).context["why"]
    assert (why["kind"], why["message"]) == ("output", message)


def test_an_unstorable_tool_step_is_kept_as_its_text(engine: Engine) -> None:
    """A recorded tool call whose arguments cannot be stored is kept as its text, beside the output."""
    def handler(_request: ActionRequest) -> ActionResult:
        return ActionResult({"sent": True}, steps=[{"action": "rate", "parameters": {"score": math.nan}}])

    _deploy(engine, "rated", handler)
    run = engine.start("rated", {})
    engine.run_until_idle()
    assert engine.get(run.id).state == "ok"
    done = next(h for h in engine.history(run.id) if h.event == "done")
    assert done.attempts[-1]["steps"] == [{"step": "{'action': 'rate', 'parameters': {'score': nan}}"}]


@pytest.mark.parametrize(("raised", "message"), [
    (ActionError("unavailable", "the service said caf\ud800"), "the service said caf?"),
    (ValueError("bad byte \udcff in the reply"), "ValueError: bad byte ? in the reply"),  # surrogateescape'd
], ids=["ActionError", "an exception"])
def test_an_error_message_that_is_not_unicode_still_fails_the_task(engine: Engine, raised: Exception,
                                                                  message: str) -> None:
    def handler(_request: ActionRequest) -> Any:
        raise raised

    _deploy(engine, "raising", handler)
    run = engine.start("raising", {})
    engine.run_until_idle()
    ended = engine.get(run.id)
    assert ended.state == "failed"
    assert ended.context["why"]["message"] == message


def test_an_async_handler_cancelled_inside_fails_its_task_and_the_worker_goes_on(engine: Engine) -> None:
    """A coroutine cancelled by the handler's own code (a library giving up a request) raises CancelledError, a
    BaseException: it is the task's failure (kind `error`), not the worker's end."""
    async def cancelled(_request: ActionRequest) -> Any:
        task_ = asyncio.current_task()
        assert task_ is not None
        task_.cancel("the client gave up")
        await asyncio.sleep(0)

    _deploy(engine, "cancelled", cancelled)
    _deploy(engine, "plain", lambda _request: 1)
    run, plain = engine.start("cancelled", {}), engine.start("plain", {})
    engine.run_until_idle()
    ended = engine.get(run.id)
    assert (ended.state, ended.context["why"]["kind"]) == ("failed", "error")
    assert ended.context["why"]["message"] == ("the action 'cancelled' was cancelled inside its handler: "
                                               "the client gave up")
    assert engine.get(plain.id).state == "ok"


def test_an_unstorable_output_still_records_what_the_attempt_cost(engine: Engine) -> None:
    """The model was paid for whatever it returned: the Cost Sentinel must see the attempt's cost."""
    _deploy(engine, "costly", lambda _request: ActionResult({"score": math.nan}, cost=Cost(0.4, tokens=900)))
    instance = engine.start("costly").id
    engine.run_until_idle()
    assert engine.get(instance).context["why"]["kind"] == "output"
    (attempt,) = engine.history(instance)[-1].attempts
    assert attempt["cost"] == 0.4


def test_what_an_output_may_hold_that_json_has_not_is_converted_as_documented(engine: Engine) -> None:
    _deploy(engine, "answer", lambda _request: {"at": datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
                                                "took": timedelta(seconds=90), "pair": (1, 2), "text": b"caf\xc3\xa9"})
    run = engine.start("answer", {})
    engine.run_until_idle()
    assert engine.get(run.id).context["out"] == {"at": "2030-01-02T03:04:05Z", "took": 90.0, "pair": [1, 2],
                                                 "text": "café"}
