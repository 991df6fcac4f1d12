"""The context's 1 MiB limit holds after every step, not only at the start: an event whose `assign` would pass it
is refused with the instance as it was; an action's output, an automatic transition's `assign` or a map's results
that would pass it fail the instance (`context_too_large`) with nothing of the step stored."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import edge, final, finished, task, workflow

from engine.errors import InvalidInput
from engine.json_limits import MAX_JSON_BYTES
from engine.runtime.engine import Engine

TEXT = {"type": "object", "properties": {"s": {"type": "string"}, "items": {"type": "array"}}}


def _doubling() -> Any:
    return workflow({"w": {"type": "wait", "duration": "P30D"}, "end": final()},
                    [edge("w", "w", "dbl", assign={"s": "s + s"}), edge("w", "end", "done")],
                    id="grow", context=TEXT)


def test_an_event_whose_assign_would_pass_the_limit_is_refused_and_the_instance_is_as_it_was(engine: Engine) -> None:
    engine.deploy(_doubling())
    started = engine.start("grow", {"s": "x" * 1000})
    for _ in range(10):  # 1,024,000 characters: within the limit
        engine.send(started.id, "dbl")
    before = engine.get(started.id)
    with pytest.raises(InvalidInput, match=r"the event 'dbl' is refused in 'w': the values it writes take more "
                                           r"than the 1,048,576 bytes as JSON a context may hold"):
        engine.send(started.id, "dbl")
    after = engine.get(started.id)
    assert (after.version, after.status, len(after.context["s"])) == (before.version, "running", 1_024_000)
    assert len(engine.history(started.id)) == before.version


def test_an_output_that_would_pass_the_limit_fails_the_instance_and_is_not_kept(engine: Engine) -> None:
    engine.register("fetch", lambda request: "y" * 600_000)  # within an output's own 1 MiB
    engine.deploy(workflow({"first": task("fetch", output="a"), "second": task("fetch", output="b"),
                            "end": final()},
                           [edge("first", "second", "done"), edge("second", "end", "done")], id="fetching"))
    done = finished(engine, engine.start("fetching", {}))
    assert (done.state, done.status, done.error["kind"]) == ("second", "failed", "context_too_large")
    assert "more than the 1,048,576 allowed" in done.error["message"]
    assert set(done.context) == {"a"}  # the second output was not kept
    last = engine.history(done.id)[-1]
    assert "b" not in (last.context_change or {}).get("set", {})  # the failing step kept no output
    assert done.error["payload"] is None  # nor in the error: the output is what was too large


def test_a_map_whose_results_would_pass_the_limit_fails_the_instance(engine: Engine) -> None:
    engine.register("blow_up", lambda request: "z" * 4_000)
    iterator = {"initial": "work", "states": {"work": task("blow_up", output="r"), "ok": final(result={"r": "r"})},
                "transitions": [edge("work", "ok", "done")]}
    engine.deploy(workflow({"each": {"type": "map", "items": "items", "output": "results", "iterator": iterator,
                                     "max_concurrency": 50},
                            "end": final()}, [edge("each", "end", "done")], id="mapping", context=TEXT))
    done = finished(engine, engine.start("mapping", {"items": list(range(300))}))
    assert (done.state, done.status, done.error["kind"]) == ("each", "failed", "context_too_large")
    assert "results" not in done.context


def test_an_automatic_transition_that_would_pass_the_limit_fails_the_instance(engine: Engine) -> None:
    engine.deploy(workflow({"fan": {"type": "choice"}, "end": final()},
                           [edge("fan", "end", assign={"big": "items.map(x, s)"})], id="fanning", context=TEXT))
    done = finished(engine, engine.start("fanning", {"s": "y" * 50_000, "items": list(range(30))}))
    assert (done.state, done.status, done.error["kind"]) == ("fan", "failed", "context_too_large")
    assert "big" not in done.context
    assert f"more than the {MAX_JSON_BYTES:,} bytes as JSON a context may hold" in done.error["message"]
