"""The simulator and the runtime agree on a task's `done` whose output cannot be stored at its `output` path, or
whose transition's `assign` fails: in the simulator a task's `done` stands for its action's output, so it is the
task's failure there too — taken by its `error` transition, or failing the instance — never a refused event."""

from __future__ import annotations

from typing import Any

import pytest

from designer.simulation import SimulatedEvent, simulate
from engine.definition import Workflow
from engine.runtime.engine import Engine


def _flow(error_edges: list[dict[str, Any]], done_assign: dict[str, str] | None = None) -> Workflow:
    done: dict[str, Any] = {"source": "write", "trigger": "done", "dest": "ok"}
    if done_assign:
        done["assign"] = done_assign
    return Workflow.model_validate({
        "id": "paths", "title": "Paths", "initial": "write",
        "states": {"write": {"type": "task", "action": "echo", "output": "a.b.c"}, "ok": {"type": "final"},
                   "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [done, *error_edges],
    })


CATCH_ALL = {"source": "write", "trigger": "error", "dest": "failed", "assign": {"why": "event"}}
ONLY_TIMEOUTS = {"source": "write", "trigger": "error", "dest": "failed", "errors": ["timeout"]}

CASES = {
    "output path caught": (_flow([CATCH_ALL]), {"a": "in the way"}, ("failed", "failed", None)),
    "assign caught": (_flow([CATCH_ALL], {"n.m": "1"}), {"n": 5}, ("failed", "failed", None)),
    "output path not caught": (_flow([ONLY_TIMEOUTS]), {"a": "in the way"}, ("write", "failed", "output_path")),
    "assign not caught": (_flow([ONLY_TIMEOUTS], {"n.m": "1"}), {"n": 5}, ("write", "failed", "assign")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_simulator_ends_where_the_runtime_does(case: str, database_url: str) -> None:
    flow, context, expected = CASES[case]
    with Engine(database_url) as engine:
        engine.deploy(flow)
        engine.register("echo", lambda request: 7)
        started = engine.start("paths", context)
        engine.run_until_idle()
        ran = engine.get(started.id)
    simulated = simulate(flow, context, [SimulatedEvent(event="done", payload=7)], now=0)

    assert simulated.rejected == []
    assert (ran.state, ran.status, (ran.error or {}).get("kind")) == expected
    assert (simulated.state, simulated.status, (simulated.error or {}).get("kind")) == expected
    assert simulated.context == ran.context
    assert simulated.error == ran.error
