"""Over the API, an expression whose value JSON cannot hold (a ratio over a total of 0) fails the instance it
belongs to, as the engine says why — a start answers 201 with the failed instance, not a 500 — and the simulator
agrees with the engine (it used to answer `succeeded`, the ratio shown as null)."""

from __future__ import annotations

from typing import Any

from designer_support import Env

RATIO_AT_START: dict[str, Any] = {
    "id": "ratio_at_start", "title": "A ratio at the start",
    "context": {"type": "object", "properties": {"part": {"type": "number"}, "total": {"type": "number"}}},
    "initial": "route",
    "states": {"route": {"type": "choice"},
               "done": {"type": "final", "result": {"ratio": "double(part) / double(total)"}}},
    "transitions": [{"source": "route", "dest": "done"}],
}
SAID = "double(part) / double(total): its value is infinity, which JSON cannot hold"


def test_a_start_whose_result_is_infinite_answers_with_the_failed_instance(env: Env) -> None:
    env.services.engine.deploy(RATIO_AT_START)
    response = env.call("POST", "/api/instances", "analyst",
                        json={"workflow_id": "ratio_at_start", "context": {"part": 1, "total": 0}})
    assert response.status_code == 201, response.text
    started = response.json()
    assert (started["status"], started["error"]["kind"]) == ("failed", "result")
    assert started["error"]["message"].startswith(SAID)

    fine = env.call("POST", "/api/instances", "analyst",
                    json={"workflow_id": "ratio_at_start", "context": {"part": 1, "total": 4}})
    assert fine.status_code == 201, fine.text
    assert (fine.json()["status"], fine.json()["result"]) == ("succeeded", {"ratio": 0.25})


def test_the_simulator_fails_the_same_way(env: Env) -> None:
    response = env.call("POST", "/api/simulate", "viewer",
                        json={"definition": RATIO_AT_START, "context": {"part": 1, "total": 0}})
    assert response.status_code == 200, response.text
    simulated = response.json()
    assert simulated["status"] == "failed"
    assert simulated["error"]["kind"] == "result"
    assert simulated["error"]["message"].startswith(SAID)
