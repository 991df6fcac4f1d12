"""The metrics window at the edge of time: `until` alone, early in the year 1, gets the window from the first
moment there is (or a 422 when none is left), never a 500 from a default `since` in the year 0."""

from __future__ import annotations

from designer_support import Env, assert_problem


def test_a_window_that_ends_on_the_first_day_starts_at_the_first_moment(env: Env) -> None:
    report = env.call("GET", "/api/metrics?until=0001-01-01T12:00:00Z", "viewer")
    assert report.status_code == 200, report.text
    assert report.json()["since"] == "0001-01-01T00:00:00Z"
    assert report.json()["overall"]["instances_started"] == 0
    empty = env.call("GET", "/api/metrics?until=0001-01-01T00:00:00Z", "viewer")
    assert "'since' must be before 'until'" in assert_problem(empty, 422, "invalid-input")["detail"]
