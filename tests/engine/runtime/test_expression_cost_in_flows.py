"""The cost limit in a running flow (docs/runtime.md#limits): a definition that multiplies what it reads is never
deployed; a guard or assignment too costly for the values an instance holds is refused before it runs — the
guard counts as not holding, the assignment fails the instance — and the worker goes on."""

from __future__ import annotations

import time

import pytest
from runtime_support import edge, final, workflow

from engine.errors import InvalidDefinition
from engine.runtime.engine import Engine

CHAIN = "size(" + "+".join(["s"] * 1000) + ") > 0"
LISTS = "size(l + l + l + l + l + l + l) > 0"  # valid: whether `l` is a list only the data says

ROUTE = workflow(
    {"route": {"type": "choice"}, "long": final(), "short": final("failure")},
    [edge("route", "long", guard=LISTS, priority=1), edge("route", "short")],
    id="route_lists",
    context={"type": "object", "properties": {"l": {"type": "array"}}},
)
COPY = workflow(
    {"start": {"type": "choice"}, "done": final()},
    [edge("start", "done", assign={"ten": "[" + ", ".join(["l"] * 10) + "]"})],
    id="copy_lists",
    context={"type": "object", "properties": {"l": {"type": "array"}}},
)


def test_a_guard_concatenating_a_value_1000_times_is_never_deployed(engine: Engine) -> None:
    flow = ROUTE.model_dump(mode="json", exclude_none=True)
    flow["transitions"][0]["guard"] = CHAIN
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy(flow)
    (finding,) = [f for f in refused.value.findings if f.code == "expression-too-costly"]
    assert finding.pointer == "/transitions/0/guard"
    assert "it concatenates 1,000 values with '+'" in finding.message


def test_a_guard_too_costly_for_the_lists_it_is_given_does_not_hold(engine: Engine) -> None:
    engine.deploy(ROUTE)
    small = engine.start("route_lists", {"l": [0] * 100})
    assert engine.get(small.id).state == "long"
    started = time.perf_counter()
    large = engine.start("route_lists", {"l": [0] * 300_000})  # 8 million elements copied if it ran
    assert time.perf_counter() - started < 5
    assert engine.get(large.id).state == "short"
    (gate,) = [h for h in engine.history(large.id) if h.guards]
    assert gate.guards[0]["value"] is False
    assert gate.guards[0]["error"].startswith("expression-too-costly")
    assert "(concatenations of long texts or lists)" in gate.guards[0]["error"]


def test_an_assignment_repeating_a_large_list_fails_the_instance(engine: Engine) -> None:
    engine.deploy(COPY)
    small = engine.start("copy_lists", {"l": [1, 2]})
    assert engine.get(small.id).context["ten"] == [[1, 2]] * 10
    large = engine.start("copy_lists", {"l": list(range(100_000))})
    instance = engine.get(large.id)
    assert instance.status == "failed"
    assert "expression-too-costly" in str(instance.error)
