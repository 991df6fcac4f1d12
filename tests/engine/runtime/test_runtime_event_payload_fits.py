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
