"""Cron schedules start exactly one instance per fire time, however many workers run."""

from __future__ import annotations

import logging
import random
import threading
from datetime import UTC, datetime

import pytest
from runtime_support import edge, final, workflow

from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from storage.schedules import ScheduleStore

HOURLY = workflow(
    {"report": {"type": "wait", "duration": "PT1M"}, "sent": final()}, [edge("report", "sent", "done")],
    id="hourly", schedules=[{"id": "every_hour", "cron": "0 * * * *", "context": {"kind": "hourly"}}],
)


def _fires(engine: Engine) -> list[tuple[float, str]]:
    return engine.runtime.read(lambda tx: ScheduleStore(tx).fires("hourly", "every_hour"))


def test_each_fire_time_starts_one_instance(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(HOURLY)
    clock.advance(59 * 60)
    engine.run_until_idle()
    assert engine.list_instances() == []
    for _ in range(3):
        clock.set(_next_hour(clock.now()) + 30)  # half a minute past each hour
        engine.run_until_idle()
        engine.run_until_idle()
    fires = _fires(engine)
    assert [datetime.fromtimestamp(t, UTC).hour for t, _ in fires] == [13, 14, 15]
    runs = engine.list_instances()
    assert sorted(r.id for r in runs) == sorted(i for _, i in fires)
    assert {r.context["kind"] for r in runs} == {"hourly"}


def test_fire_times_missed_during_an_outage_are_coalesced(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(HOURLY)
    clock.advance(5 * 3600 + 600)  # 12:00 → 17:10: 13:00 … 17:00 were missed
    engine.run_until_idle()
    fires = _fires(engine)
    assert [datetime.fromtimestamp(t, UTC).hour for t, _ in fires] == [17]
    assert len(engine.list_instances()) == 1


def test_many_workers_still_start_one_instance_per_fire_time(database_url: str, clock: ManualClock) -> None:
    engines = [Engine(database_url, clock=clock, rng=random.Random(n)) for n in range(4)]
    try:
        engines[0].deploy(HOURLY)
        for _ in range(3):
            clock.set(_next_hour(clock.now()) + 10)
            barrier = threading.Barrier(len(engines))

            def work(engine: Engine, barrier: threading.Barrier = barrier) -> None:
                barrier.wait()
                engine.run_until_idle()

            threads = [threading.Thread(target=work, args=(e,)) for e in engines]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert len(_fires(engines[0])) == 3
        assert len(engines[0].list_instances()) == 3
    finally:
        for engine in engines:
            engine.close()


def _next_hour(now: float) -> float:
    return (now // 3600 + 1) * 3600


def test_a_schedule_the_scheduler_cannot_read_is_left_out_and_the_others_fire(
    database_url: str, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A cron deployed before validation refused it (`invalid-schedule`) stopped every worker with a traceback
    when it looked for the next fire time; now that schedule is left out, with a warning, and the rest fire."""
    daily = workflow({"report": {"type": "wait", "duration": "PT1M"}, "sent": final()},
                     [edge("report", "sent", "done")], id="daily",
                     schedules=[{"id": "at_noon", "cron": "0 12 * * *", "context": {"kind": "daily"}}])
    with Engine(database_url, clock=clock) as engine:
        engine.deploy(HOURLY)
        engine.deploy(daily)
        engine.runtime.write(lambda tx: tx.execute(  # as an older release would have stored it
            "UPDATE definitions SET content = REPLACE(content, '0 * * * *', '61 * * * *') WHERE workflow_id = ?",
            ("hourly",)))
    with Engine(database_url, clock=clock) as engine, caplog.at_level(logging.WARNING, "statewright.schedules"):
        clock.set(_next_hour(clock.now()) + 24 * 3600)  # past noon tomorrow: every hour and noon were missed
        engine.run_until_idle()
        engine.run_until_idle()
        assert [r.context["kind"] for r in engine.list_instances()] == ["daily"]
    warnings = [r.getMessage() for r in caplog.records if "left out" in r.getMessage()]
    assert len(warnings) == 1, warnings
    assert "every_hour of hourly" in warnings[0]
