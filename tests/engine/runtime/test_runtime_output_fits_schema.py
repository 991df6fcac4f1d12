"""A task's output must fit what the workflow's `context` schema declares at its `output` key, as the start
context must fit the whole schema. One that does not fails the task with kind `output` (not retried: the same
input gives the same answer), names where and why, keeps the attempt's cost, and leaves the context as it was —
the flow's error transition decides what follows. Before, it was stored as returned, and the instance went on
(and could succeed) with a context its own schema refuses; only the LLM executor checked."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionRequest, ActionResult, Cost
from engine.runtime.engine import Engine

CONTEXT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ticket": {"type": "string"},
        "triage": {
            "type": "object",
            "properties": {"priority": {"enum": ["P1", "P2", "P3"]}, "score": {"type": "number"}},
            "required": ["priority"],
        },
    },
}


def _deploy(engine: Engine, output: Any, *, inline: bool) -> str:
    def classify(_request: ActionRequest) -> ActionResult:
        return ActionResult(output, cost=Cost(0.25))

    engine.register("classify", classify, inline=inline)
    engine.deploy(workflow(
        {"classify": task("classify", output="triage"), "routed": final(), "failed": final("failure")},
        [edge("classify", "routed", "done"), edge("classify", "failed", "error", assign={"why": "event"})],
        id="triage_fit", context=CONTEXT,
    ))
    return engine.start("triage_fit", {"ticket": "T-1"}).id


@pytest.mark.parametrize("inline", [False, True], ids=["on a handler thread", "inline"])
def test_an_output_that_breaks_the_schema_fails_the_task_and_writes_nothing(engine: Engine, inline: bool) -> None:
    instance = _deploy(engine, {"priority": "urgent", "score": "high"}, inline=inline)
    engine.run_until_idle()
    after = engine.get(instance)
    assert (after.state, after.status) == ("failed", "failed")  # by the error transition, to its failure final
    assert "triage" not in after.context
    why = after.context["why"]
    assert why["kind"] == "output"
    assert "/priority" in why["message"]
    assert "/score" in why["message"]
    assert '"high" is not of type "number"' in why["message"]
    (attempt,) = engine.history(instance)[-1].attempts
    assert attempt["cost"] == 0.25  # the attempt was paid for, whatever it returned


def test_an_output_that_fits_is_stored(engine: Engine) -> None:
    instance = _deploy(engine, {"priority": "P2", "score": 0.7}, inline=False)
    engine.run_until_idle()
    after = engine.get(instance)
    assert after.state == "routed"
    assert after.context["triage"] == {"priority": "P2", "score": 0.7}
