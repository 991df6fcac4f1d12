"""A handler changes the instance's context only through what it returns. `request.context` is the handler's
own copy: writing into it — a key set, a nested list appended to, a key removed — leaves the instance as it was.
Before, the handler was given the very dict the worker then decided on, so those writes were committed with the
task's `done` as if a transition had made them, and no history row said so (also from a handler that overran its
timeout and wrote after the instance had moved on)."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine

START: dict[str, Any] = {"amount": 5, "customer": {"tags": ["new"], "tier": "small"}}


def _scribble(request: ActionRequest) -> dict[str, Any]:
    request.context["amount"] = 9_999
    request.context["customer"]["tags"].append("scribbled")
    del request.context["customer"]["tier"]
    request.input["extra"] = True
    return {"checked": True}


@pytest.mark.parametrize("inline", [False, True], ids=["on a handler thread", "inline"])
def test_writes_into_the_request_context_do_not_reach_the_instance(engine: Engine, inline: bool) -> None:
    engine.register("scribble", _scribble, inline=inline)
    engine.deploy(workflow(
        {"work": task("scribble", output="verdict", input={"amount": "amount"}), "ok": final(),
         "failed": final("failure")},
        [edge("work", "ok", "done"), edge("work", "failed", "error")],
        id="scribbled_on",
    ))
    started = engine.start("scribbled_on", START)
    engine.run_until_idle()
    after = engine.get(started.id)
    assert after.status == "succeeded"
    assert after.context == {**START, "verdict": {"checked": True}}
    last_change = engine.history(started.id)[-1].context_change
    assert last_change["set"] == {"verdict": {"checked": True}}  # the output alone, as the history tells it
    assert set(last_change) <= {"set", "result", "error"}
