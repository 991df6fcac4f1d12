"""Each scheduled instance names the fire time it stands for. A worker down across several fire times starts the
missed ones when it comes back (each within the last 5 minutes; else only the latest): all created then, by
`schedule:<id>` — so their start's history payload says which fire time each is (`{"fire_time": "…Z"}`), shown by
`statewright history`, its `--format json` and the API's instance history alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from runtime_support import edge, final, workflow
from typer.testing import CliRunner

from engine.cli import output
from engine.cli.app import build_app
from engine.definition import Workflow
from engine.runtime.clock import ManualClock, to_rfc3339
from engine.runtime.engine import Engine
from storage.schedules import ScheduleStore


def _scheduled(cron: str) -> Workflow:
    return workflow({"report": {"type": "wait", "duration": "PT1H"}, "sent": final()},
                    [edge("report", "sent", "done")], id="minutely", schedules=[{"id": "tick", "cron": cron}])


EVERY_MINUTE = _scheduled("* * * * *")


def _fires(engine: Engine) -> list[tuple[float, str]]:
    return engine.runtime.read(lambda tx: ScheduleStore(tx).fires("minutely", "tick"))


def _start_of(engine: Engine, instance_id: str) -> tuple[str | None, object]:
    start = engine.history(instance_id)[0]
    assert start.event == "(start)"
    return start.actor, start.payload


def test_the_catch_up_starts_of_a_worker_that_was_down_each_name_their_fire_time(
        engine: Engine, clock: ManualClock) -> None:
    engine.deploy(EVERY_MINUTE)  # 12:00:00; the worker is down until 12:04:30: 12:01 … 12:04 were missed
    clock.advance(4 * 60 + 30)
    engine.run_until_idle()
    fires = _fires(engine)
    assert [datetime.fromtimestamp(t, UTC).strftime("%H:%M") for t, _ in fires] == ["12:01", "12:02", "12:03",
                                                                                      "12:04"]
    assert {engine.get(i).created_at for _, i in fires} == {clock.now()}  # all made on the restart
    for fire_time, instance_id in fires:
        assert _start_of(engine, instance_id) == ("schedule:tick", {"fire_time": to_rfc3339(fire_time)})


def test_after_a_long_outage_the_one_start_names_the_latest_missed_fire_time(
        engine: Engine, clock: ManualClock) -> None:
    engine.deploy(_scheduled("*/10 * * * *"))
    clock.advance(47 * 60)  # 12:00 → 12:47: 12:10 … 12:40 were missed, each more than 5 minutes ago
    engine.run_until_idle()
    [(fire_time, instance_id)] = _fires(engine)
    assert _start_of(engine, instance_id) == ("schedule:tick", {"fire_time": "2030-01-15T12:40:00Z"})
    assert fire_time == datetime(2030, 1, 15, 12, 40, tzinfo=UTC).timestamp()


def test_statewright_history_shows_the_fire_time_of_a_scheduled_start(
        database_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> None:
    with Engine(database_url, clock=clock) as engine:
        engine.deploy(EVERY_MINUTE)
        clock.advance(2 * 60 + 10)
        engine.run_until_idle()
        [(_, first), (_, second)] = _fires(engine)
    monkeypatch.setattr(output.stdout, "_width", 200)
    shown = CliRunner().invoke(build_app("history"), ["history", second, "--db", database_url])
    assert shown.exit_code == 0, shown.output
    assert "(start) fire time 2030-01-15T12:02:00Z" in " ".join(shown.output.split())
    listed = CliRunner().invoke(build_app("history"), ["history", first, "--db", database_url, "--format", "json"])
    assert json.loads(listed.output)[0]["payload"] == {"fire_time": "2030-01-15T12:01:00Z"}


def test_a_start_of_no_schedule_has_no_fire_time(engine: Engine) -> None:
    engine.deploy(EVERY_MINUTE)
    started = engine.start("minutely", {}, actor="ann")
    assert _start_of(engine, started.id) == ("ann", None)
