"""The API's instance history names the fire time a scheduled instance stands for: the catch-up starts of a
worker that was down are all created when it comes back, by `schedule:<id>`, and only their start's payload
(`{"fire_time": "…Z"}`) tells them apart."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from designer_support import PASSWORD, make_settings
from litestar.testing import TestClient

from designer.app import build_services, create_app
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

EVERY_MINUTE = {"id": "minutely", "title": "Minutely", "initial": "report",
                "schedules": [{"id": "tick", "cron": "* * * * *"}],
                "states": {"report": {"type": "wait", "duration": "PT1H"}, "sent": {"type": "final"}},
                "transitions": [{"source": "report", "trigger": "done", "dest": "sent"}]}


def test_each_catch_up_start_names_its_fire_time_in_the_api_history(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2030, 1, 15, 12, 0, tzinfo=UTC))
    settings = make_settings(tmp_path, workers=0, deploy_shipped=False)
    services = build_services(settings, Engine(settings.database_url, clock=clock))
    services.engine.deploy(EVERY_MINUTE)
    clock.advance(3 * 60 + 30)  # the worker was down from 12:00 to 12:03:30
    services.engine.run_until_idle()
    services.accounts.add_user("viewer", PASSWORD, roles=["viewer"], tenant="default")
    outcome = services.accounts.login("viewer", PASSWORD)
    token = services.accounts.create_token(outcome.principal, "tests").token
    with TestClient(create_app(settings, services=services)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        listed = client.get("/api/instances?limit=10", headers=headers).json()["items"]
        starts = [client.get(f"/api/instances/{i['id']}/history", headers=headers).json()["items"][0]
                  for i in listed]
    assert {(s["event"], s["actor"]) for s in starts} == {("(start)", "schedule:tick")}
    assert sorted(s["payload"]["fire_time"] for s in starts) == [
        "2030-01-15T12:01:00Z", "2030-01-15T12:02:00Z", "2030-01-15T12:03:00Z"]
