"""QA: a daily `30 2 * * *` in Europe/Paris started twice on the night the clocks go back (02:30+02:00, then
02:30+01:00), and an hourly one at 02:15 twice too — as it should, an hour apart. A job at set hours runs in the
first of the repeated hour only, as cron runs it; and the search for fire times steps on in UTC (stepping on in
local time lost the second pass's `fold` and found the same fire time again, up to the 20,000 it looks for)."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.definition import Schedule
from engine.runtime.clock import to_rfc3339
from engine.runtime.schedules import fire_times


def _fires(cron: str, start: datetime, hours: int) -> list[str]:
    after = start.timestamp()
    return [to_rfc3339(t) for t in fire_times(Schedule(id="s", cron=cron, timezone="Europe/Paris"), after,
                                              after + hours * 3600)]


AUTUMN = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # midnight in Paris, the night the clocks go back at 03:00


def test_a_daily_job_runs_once_on_the_night_the_clocks_go_back() -> None:
    assert _fires("30 2 * * *", AUTUMN, 6) == ["2026-10-25T00:30:00Z"]  # 02:30+02:00, not 02:30+01:00 too
    assert _fires("0,30 2 * * *", AUTUMN, 6) == ["2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z"]


def test_an_hourly_job_runs_every_hour_through_it() -> None:
    assert _fires("15 * * * *", AUTUMN, 6) == [
        "2026-10-24T22:15:00Z", "2026-10-24T23:15:00Z", "2026-10-25T00:15:00Z",
        "2026-10-25T01:15:00Z",  # 02:15 again, an hour later: the clocks went back
        "2026-10-25T02:15:00Z", "2026-10-25T03:15:00Z"]


def test_the_spring_gap_moves_a_daily_job_on_once() -> None:
    spring = datetime(2026, 3, 28, 0, 0, tzinfo=UTC)
    assert _fires("30 2 * * *", spring, 72) == ["2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z",
                                                "2026-03-30T00:30:00Z"]
