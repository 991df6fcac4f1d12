"""An ended map's totals on the instance page, as a running map shows its progress: "3 of 6 done, 1 failed,
2 never started (#4 to #5)" for a map that failed before starting its last items — which the list of the items
started cannot show — and "60 of 60 done" for one that finished."""

from __future__ import annotations

import time
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _sorting(flow_id: str, concurrency: int) -> dict[str, Any]:
    """Each item ends as it starts: 'ok' succeeds, anything else fails; no failure tolerated, no error path."""
    return {
        "id": flow_id,
        "title": flow_id.replace("_", " ").capitalize(),
        "initial": "each",
        "states": {
            "each": {"type": "map", "items": "tickets", "max_concurrency": concurrency, "output": "sorted",
                     "iterator": {"initial": "route",
                                  "states": {"route": {"type": "choice"},
                                             "sorted": {"type": "final", "result": {"ticket": "item"}},
                                             "unsorted": {"type": "final", "outcome": "failure"}},
                                  "transitions": [{"source": "route", "dest": "sorted", "guard": "item == 'ok'"},
                                                  {"source": "route", "dest": "unsorted"}]}},
            "finished": {"type": "final", "outcome": "success"},
        },
        "transitions": [{"source": "each", "trigger": "done", "dest": "finished"}],
    }


def _until_ended(server: LiveServer, token: str, instance_id: str) -> str:
    for _ in range(400):
        status = str(server.api("GET", f"/api/instances/{instance_id}", token=token)["status"])
        if status in ("succeeded", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError("the map did not end")


def test_a_failed_map_says_its_totals_and_the_items_it_never_started(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    tickets = ["ok", "ok", "bad", "ok", "ok", "ok"]
    started = server.publish_and_start(_sorting("strict_tickets", 4), {"tickets": tickets}, token=token)
    assert _until_ended(server, token, started["id"]) == "failed"

    page = sign_in("viewer")
    page.goto(f"/instances/{started['id']}")
    expect(page.get_by_test_id("instance-failure")).to_be_visible()
    expect(page.get_by_test_id("map-totals")).to_have_text(
        "The map ended: 3 of 6 done, 1 failed, 2 never started (#4\N{EN DASH}#5)")
    expect(page.get_by_test_id("map-items-list").locator("li")).to_have_count(4)
    page.get_by_test_id("map-items").scroll_into_view_if_needed()
    screenshot(page, "map-totals-failed")


def test_a_finished_map_says_all_its_items_are_done(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    started = server.publish_and_start(_sorting("many_tickets", 10), {"tickets": ["ok"] * 60}, token=token)
    assert _until_ended(server, token, started["id"]) == "succeeded"

    page = sign_in("viewer")
    page.goto(f"/instances/{started['id']}")
    expect(page.get_by_test_id("instance-status")).to_have_text("succeeded")
    expect(page.get_by_test_id("map-totals")).to_have_text("The map ended: 60 of 60 done")
    expect(page.get_by_test_id("map-progress")).to_have_count(0)
    screenshot(page, "map-totals-done")
