"""An event wait stores the event's payload at its `output`: a payload that does not fit what the context schema
declares there is not taken — the instance stays as it was, still waiting, and `publish` says which instance
refused it and why — and a payload that fits is taken as before. (Before, the wait moved on with a context its own
schema refuses.)"""

from __future__ import annotations

import logging

import pytest
from runtime_support import edge, final, workflow

from engine.runtime.engine import Engine

SIGNING = workflow(
    {"sign": {"type": "wait", "event": {"type": "signed", "correlation": "contract"}, "output": "signature"},
     "done": final()},
    [edge("sign", "done", "done")],
    id="signing",
    context={"type": "object", "properties": {
        "contract": {"type": "string"},
        "signature": {"type": "object", "required": ["by", "at"],
                      "properties": {"by": {"type": "string"}, "at": {"type": "string", "format": "date-time"},
                                     "pages": {"type": "integer", "minimum": 1}}}}},
)


def test_a_payload_that_does_not_fit_leaves_the_wait_waiting_and_says_why(
        engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    engine.deploy(SIGNING)
    waiting = engine.start("signing", {"contract": "C-1"})
    with caplog.at_level(logging.WARNING, logger="statewright.events"):
        bad = engine.publish("signed", {"by": "ann", "pages": 0}, correlation_key="C-1")
    assert (bad.delivered, bad.unmatched) == ([], False)
    why = bad.refused[waiting.id]
    assert '/: "at" is a required property' in why
    assert "/pages: 0 is less than the minimum of 1" in why
    assert "at 'signature', where 'sign' stores it" in why
    assert waiting.id in caplog.text
    still = engine.get(waiting.id)
    assert (still.state, still.status, still.version, still.context) == ("sign", "running", 1, {"contract": "C-1"})

    good = engine.publish("signed", {"by": "ann", "at": "2026-12-05T10:00:00Z", "pages": 3},
                          correlation_key="C-1")
    assert (good.delivered, good.refused) == ([waiting.id], {})
    done = engine.get(waiting.id)
    assert (done.state, done.context["signature"]["by"]) == ("done", "ann")


def test_a_wait_without_a_declared_output_takes_any_payload(engine: Engine) -> None:
    loose = SIGNING.model_copy(update={"id": "loose", "context": None})
    engine.deploy(loose)
    waiting = engine.start("loose", {"contract": "C-2"})
    result = engine.publish("signed", {"whatever": [1, 2]}, correlation_key="C-2")
    assert result.delivered == [waiting.id]


COUNTER = workflow(
    {"open": {"type": "wait", "event": {"type": "tick"}}, "done": final()},
    [edge("open", "open", "bump", assign={"count": "count + 1", "label": "'n=' + string(count)"}),
     edge("open", "open", "rename", assign={"label": "count"}),
     edge("open", "done", "done")],
    id="counter",
    context={"type": "object", "properties": {"count": {"type": "integer", "maximum": 2},
                                              "label": {"type": "string"}}},
)


def test_an_assign_that_breaks_the_schema_is_refused_and_changes_nothing(engine: Engine) -> None:
    """A transition's `assign` writes into the context too: a user's event whose assignment would break the
    schema is refused (409), the instance as it was; one that fits is taken."""
    from engine.errors import TransitionNotAllowed  # noqa: PLC0415 - only here

    engine.deploy(COUNTER)
    run = engine.start("counter", {"count": 1})
    engine.send(run.id, "bump")
    assert engine.get(run.id).context == {"count": 2, "label": "n=1"}
    with pytest.raises(TransitionNotAllowed, match=r"count: 3 is greater than the maximum of 2"):
        engine.send(run.id, "bump")
    with pytest.raises(TransitionNotAllowed, match=r'label: 2 is not of type "string"'):
        engine.send(run.id, "rename")
    after = engine.get(run.id)
    assert (after.context, after.version) == ({"count": 2, "label": "n=1"}, 2)


def test_an_assign_on_the_engines_own_event_that_breaks_the_schema_fails_the_instance(engine: Engine) -> None:
    """On a task's `done` nobody can be told no: the instance fails with kind `assign`, naming the key."""
    engine.deploy(workflow(
        {"work": {"type": "task", "action": "work"}, "done": final()},
        [edge("work", "done", "done", assign={"count": "'many'"})],
        id="assigning", context={"type": "object", "properties": {"count": {"type": "integer"}}}))
    engine.register("work", lambda _request: {})
    run = engine.start("assigning", {})
    engine.run_until_idle()
    failed = engine.get(run.id)
    assert (failed.status, failed.state, failed.error["kind"]) == ("failed", "work", "assign")
    assert 'count: "many" is not of type "integer"' in failed.error["message"]
