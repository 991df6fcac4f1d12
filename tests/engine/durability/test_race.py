"""Contract point 4: workers sharing one database — four processes on PostgreSQL (two on SQLite, where the
write lock serialises their transactions but not their claims, timers and deliveries) contending for the
same instances, timers and events.

While they run, the test starts instances and publishes one event to each instance that waits for it — half
delivered by the publishing call itself (racing the workers for the delivery job), half stored for the
workers to deliver — and publishes some of them twice under the same idempotency key. Afterwards: every
instance and branch has its one expected history (no transition twice, none lost), every event reached its
instance exactly once and its payload is what the instance recorded, every timer fired once, and every
action ran exactly once (no two workers ever held the same job).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from race_flow import BRANCH_PATH, EVENT, PARENT_PATH, RACE_FLOW
from side_effect_ledger import Ledger
from worker_processes import WorkerProcess, drill_environment, worker_argv

from engine.runtime.engine import Engine
from engine.runtime.events import publish_in
from storage.events import EventStore
from storage.timers import TimerStore
from storage.transaction import Transaction

DEADLINE_S = 180


def _publish(engine: Engine, n: int, key: str) -> int:
    """One event for instance `n`: even ones published and delivered at once, odd ones stored for the
    workers to deliver (as when the publishing process dies right after storing)."""
    idempotency_key = f"{EVENT}-{n}"
    if n % 2 == 0:
        return engine.publish(EVENT, {"n": n}, correlation_key=key, idempotency_key=idempotency_key).event_id

    def store(tx: Transaction) -> int | None:
        return publish_in(tx, tenant="default", event_type=EVENT, payload={"n": n}, correlation_key=key,
                          idempotency_key=idempotency_key, now=engine.clock.now())

    event_id = engine.runtime.write(store)
    assert event_id is not None
    return event_id


def _run(engine: Engine, instances: int) -> tuple[dict[str, int], dict[str, int]]:
    """Start instances in waves and publish to each once it waits. Returns {instance: n}, {instance: event}."""
    runs: dict[str, int] = {}
    events: dict[str, int] = {}
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        for _ in range(min(10, instances - len(runs))):
            n = len(runs)
            runs[engine.start("race_drill", {"n": n, "key": f"k{n}"}).id] = n
        waiting = engine.list_instances(workflow_id="race_drill", state="listen", limit=instances)
        for view in waiting:
            if view.id not in events:
                n = runs[view.id]
                events[view.id] = _publish(engine, n, f"k{n}")
                if n % 5 == 0:  # the same event again under its key is recognised, not delivered again
                    again = engine.publish(EVENT, {"n": n}, correlation_key=f"k{n}", idempotency_key=f"{EVENT}-{n}")
                    assert again.duplicate
                    assert again.event_id == events[view.id]
        if len(runs) == instances and not engine.count_instances(workflow_id="race_drill", status="running"):
            return runs, events
        time.sleep(0.05)
    pytest.fail(f"not every instance had ended after {DEADLINE_S} s")


def _check(engine: Engine, instance_id: str, n: int, event_id: int) -> None:
    view = engine.get(instance_id)
    assert view.status == "succeeded"
    assert [(h.from_state, h.to_state, h.event) for h in engine.history(instance_id)] == PARENT_PATH
    assert view.version == len(PARENT_PATH)
    assert view.context["ping"] == {"n": n}
    branches = engine.list_instances(parent_id=instance_id)
    assert sorted(b.branch for b in branches) == ["fan.left", "fan.right"]
    for branch in branches:
        assert [(h.from_state, h.to_state, h.event) for h in engine.history(branch.id)] == BRANCH_PATH

    def read(tx: Transaction) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        timers = [(t.fire, t.status) for t in TimerStore(tx).for_instance(instance_id)]
        return timers, EventStore(tx).deliveries(event_id)

    timers, deliveries = engine.runtime.read(read)
    assert sorted(timers) == [("done", "fired"), ("timeout", "cancelled")]
    assert deliveries == [(instance_id, "delivered")]


@pytest.mark.slow
def test_workers_contending_for_instances_timers_and_events_apply_everything_once(
    database_url: str, tmp_path: Path
) -> None:
    postgresql = database_url.startswith("postgresql")
    workers, instances = (4, 120) if postgresql else (2, 60)
    ledger = Ledger(tmp_path / "ledger.db")
    ledger.create()
    env = drill_environment(Path(ledger.path))
    argv = worker_argv(database_url, batch=8, poll_s=0.05, heartbeat_s=10.0)
    with Engine(database_url) as engine, (tmp_path / "workers.log").open("w") as log:
        engine.deploy(RACE_FLOW)
        processes = [WorkerProcess(argv, env, log) for _ in range(workers)]
        try:
            runs, events = _run(engine, instances)
            assert all(p.running() for p in processes)
        finally:
            codes = [p.stop() for p in processes]
        assert codes == [0] * workers

        for instance_id, n in runs.items():
            _check(engine, instance_id, n, events[instance_id])
        assert len(set(events.values())) == instances
        executions = ledger.executions()
        assert len(executions) == instances * 3  # two branches and the last task of each instance
        assert set(executions.values()) == {1}, "an action ran twice: two workers held the same job"
        assert len(ledger.applied()) == instances * 3
