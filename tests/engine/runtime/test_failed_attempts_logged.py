"""A failed attempt is a warning in the worker's log as it happens. A worker during which twenty instances failed
on a provider's 429s, 500s and refused connections logged only its start and stop lines (found from outside): an
operator tailing it, or shipping its log, had no sign of the outage until the instances had ended failed. Each
failed attempt now says its action, instance, state, kind and message — and whether, and when, it is tried again."""

from __future__ import annotations

import logging

import pytest
from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

FLOW = workflow({"call": task("call_model", retry={"max_attempts": 2, "backoff": "fixed", "initial_interval_s": 30,
                                                    "jitter": False, "retry_on": ["unavailable"]}),
                 "done": final(), "failed": final("failure")},
                [edge("call", "done", "done"), edge("call", "failed", "error")], id="calls")


def _provider_down(_: ActionRequest) -> None:
    raise ActionError("unavailable", "cannot reach the model endpoint: [Errno 111] Connection refused")


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "statewright.worker" and r.levelno == logging.WARNING]


def test_each_failed_attempt_is_a_warning_saying_what_comes_next(database_url: str,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock()
    with Engine(database_url, clock=clock) as engine:
        engine.register("call_model", _provider_down)
        engine.deploy(FLOW)
        with caplog.at_level(logging.WARNING, logger="statewright.worker"):
            instance = engine.start("calls", {})
            engine.run_until_idle()
            first = _warnings(caplog)
            clock.advance(31)
            engine.run_until_idle()
            both = _warnings(caplog)
        assert engine.get(instance.id).status == "failed"
    assert first == [f"the action 'call_model' of {instance.id} in 'call' failed (unavailable, attempt 1): cannot "
                     "reach the model endpoint: [Errno 111] Connection refused; tried again in 30.0 s"]
    assert both[1:] == [f"the action 'call_model' of {instance.id} in 'call' failed (unavailable, attempt 2, not "
                        "tried again): cannot reach the model endpoint: [Errno 111] Connection refused; the task ends "
                        "with its error"]
