"""An instance whose task lost every attempt with its workers, and has no error path, is `stuck`: the instance
list filters it, its detail says why and offers no events, its history shows the lost attempts.

The workers that die are an engine of the test's own on the app's database, driven by a manual clock, so their
leases lapse without waiting; the app's engine is the one that serves the requests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from designer_support import Env, assert_problem

from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.lost_attempts import LOST_ATTEMPTS_WITHOUT_RETRY

FLOW: dict[str, Any] = {
    "id": "strands", "title": "Strands", "initial": "work",
    "states": {"work": {"type": "task", "action": "kills_its_worker"}, "ok": {"type": "final"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "ok"}],
}


def _strand(env: Env) -> str:
    """Start an instance and let every attempt of its task die with its worker."""
    # deployed where the action's handlers are not known (the designer's engine registers the shipped handlers
    # only, and would refuse an action none of them performs)
    with Engine(env.services.settings.database_url, migrate=False) as deployer:
        deployer.deploy(FLOW)
    instance_id = env.services.engine.start("strands", tenant="acme").id
    clock = ManualClock(datetime.now(UTC))
    with Engine(env.services.settings.database_url, clock=clock, migrate=False) as dying:
        for n in range(LOST_ATTEMPTS_WITHOUT_RETRY):
            assert [c.job.instance_id for c in dying.worker(owner=f"dying-{n}").claim()] == [instance_id]
            clock.advance(dying.runtime.lease_s + 1)
        survivor = dying.worker(owner="survivor")
        survivor.execute(survivor.claim())
    return instance_id


def test_the_instance_list_filters_stuck_instances_and_the_detail_says_why(env: Env) -> None:
    instance_id = _strand(env)
    running = env.services.engine.start("strands", tenant="acme").id
    stuck = env.call("GET", "/api/instances?status=stuck", "viewer").json()
    assert [(i["id"], i["status"]) for i in stuck["items"]] == [(instance_id, "stuck")]
    assert running in [i["id"] for i in env.call("GET", "/api/instances?status=running", "viewer").json()["items"]]
    assert env.call("GET", "/api/instances?status=stuck", "viewer", tenant="globex").json()["items"] == []
    detail = env.call("GET", f"/api/instances/{instance_id}", "viewer").json()
    assert (detail["state"], detail["status"], detail["error"]["kind"]) == ("work", "stuck", "lost")
    assert detail["accepted_events"] == []
    history = env.call("GET", f"/api/instances/{instance_id}/history", "viewer").json()["items"]
    assert [a["outcome"] for a in history[-1]["attempts"]] == ["lost"] * LOST_ATTEMPTS_WITHOUT_RETRY
    cancelled = env.call("POST", f"/api/instances/{instance_id}/cancel", "analyst")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"


def test_an_unknown_status_is_a_bad_request(env: Env) -> None:
    assert_problem(env.call("GET", "/api/instances?status=wedged", "viewer"), 400, "bad-request")
