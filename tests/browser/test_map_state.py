"""The map state in the designer and the monitor: an analyst adds one from the palette, edits its items,
concurrency, tolerance and results key in the inspector, opens its iterator on the canvas ("for each item"),
and an operator sees a running map's progress — "7 of 10 done, 1 failed, 2 running" — on the instance page, with
its items (which failed, which still run and where), narrowed to one status."""

from __future__ import annotations

import time
from typing import Any

import pytest
from browser_steps import SignIn, add_state, json_text, screenshot, select_state, state, wait_validated
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "lead_squad",
    "title": "Lead squad",
    "initial": "intake",
    "states": {"intake": {"type": "task", "action": "read_leads"}, "done": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "intake", "trigger": "done", "dest": "done"}],
    "layout": {"intake": {"x": 0, "y": 0}, "done": {"x": 0, "y": 200}},
}

# Each item: "ok" ends at once, "bad" fails, "slow" waits for an event that never comes.
SORTING: dict[str, Any] = {
    "id": "ticket_sorting",
    "title": "Ticket sorting",
    "initial": "each",
    "states": {
        "each": {"type": "map", "items": "tickets", "max_concurrency": 10, "tolerated_failures": 1,
                 "output": "sorted", "iterator": {
                     "initial": "route",
                     "states": {"route": {"type": "choice"},
                                "wait_reply": {"type": "wait", "event": {"type": "reply"}},
                                "sorted": {"type": "final", "result": {"ticket": "item"}},
                                "unsorted": {"type": "final", "outcome": "failure"}},
                     "transitions": [{"source": "route", "dest": "sorted", "guard": "item == 'ok'"},
                                     {"source": "route", "dest": "wait_reply", "guard": "item == 'slow'"},
                                     {"source": "route", "dest": "unsorted"},
                                     {"source": "wait_reply", "trigger": "done", "dest": "sorted"}]}},
        "finished": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "each", "trigger": "done", "dest": "finished"},
                    {"source": "each", "trigger": "error", "dest": "failed"}],
}


def test_an_analyst_adds_a_map_and_opens_its_iterator(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=token)
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "intake")).to_be_visible()

    add_state(page, "map", "score_each", items="leads", max_concurrency="5", output="scores")
    page.get_by_test_id("field-tolerance").select_option("percentage")
    page.get_by_test_id("field-tolerated_failure_percentage").fill("10")
    expect(state(page, "score_each")).to_contain_text("for each item of leads")
    wait_validated(page)
    page.get_by_test_id("view-json").click()
    written = json_text(page)["states"]["score_each"]
    assert (written["type"], written["items"], written["max_concurrency"], written["output"]) == (
        "map", "leads", 5, "scores")
    assert written["tolerated_failure_percentage"] == 10
    assert "tolerated_failures" not in written
    page.get_by_test_id("view-diagram").click()

    select_state(page, "score_each")
    page.get_by_test_id("open-iterator").click()
    breadcrumb = page.get_by_test_id("scope-breadcrumb")
    expect(breadcrumb.get_by_test_id("scope-state-score_each")).to_have_text("score_each (map)")
    expect(breadcrumb.get_by_test_id("scope-current")).to_have_text("for each item")
    expect(state(page, "work")).to_be_visible()
    expect(state(page, "finished")).to_be_visible()
    expect(state(page, "intake")).to_have_count(0)
    expect(page.get_by_test_id("branch-inspector")).to_contain_text("For each item")
    screenshot(page, "map-iterator")


def _until_progress(server: LiveServer, token: str, instance_id: str) -> None:
    """The server's worker hears of the items that ended at once; wait until all eight are counted."""
    for _ in range(300):
        history = server.api("GET", f"/api/instances/{instance_id}/history", token=token)["items"]
        steps = [h for h in history if h["event"] == "(item)"]
        if len(steps) == 8:
            return
        time.sleep(0.05)
    raise AssertionError("the map did not count its items")


def test_the_monitor_shows_a_running_maps_progress(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": SORTING}, token=token)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", token=token)
    tickets = ["ok"] * 7 + ["bad", "slow", "slow"]
    started = server.api("POST", "/api/instances", {"workflow_id": "ticket_sorting", "context": {"tickets": tickets}},
                         token=token)
    _until_progress(server, token, started["id"])

    page = sign_in("viewer")
    page.goto(f"/instances/{started['id']}")
    expect(page.get_by_test_id("instance-state")).to_have_text("each")
    expect(page.get_by_test_id("map-progress")).to_have_text("7 of 10 done, 1 failed, 2 running")
    expect(page.get_by_test_id("instance-page")).to_contain_text("(item)")
    items = page.get_by_test_id("map-items-list").locator("li")
    expect(items).to_have_count(10)
    expect(page.get_by_test_id("map-item-8")).to_contain_text("running in wait_reply")
    expect(page.get_by_test_id("awaited-children")).to_contain_text("Its items to end")
    screenshot(page, "map-progress")

    # which item failed, and where: the operator narrows the list to the failures
    page.get_by_test_id("map-items-status").select_option("failed")
    expect(items).to_have_count(1)
    expect(page.get_by_test_id("map-item-7")).to_contain_text("#7 failed in unsorted")
    page.get_by_test_id("map-item-history-7").click()  # the item's own transitions, read through its parent
    expect(page.get_by_test_id("map-item-steps-7")).to_contain_text("route → unsorted")
    screenshot(page, "map-items-failed")


def _until_status(server: LiveServer, token: str, instance_id: str, status: str) -> None:
    for _ in range(300):
        if server.api("GET", f"/api/instances/{instance_id}", token=token)["status"] == status:
            return
        time.sleep(0.05)
    raise AssertionError(f"the instance did not become {status}")


def test_an_operator_fixes_the_list_and_redrives_a_failed_map(server: LiveServer, sign_in: SignIn) -> None:
    """A map beyond its tolerance with no error path fails the instance. The operator sees which item failed,
    corrects the list in the redrive panel and redrives: the item that failed runs again and the map finishes,
    the items that had succeeded carried over rather than run again."""
    token = server.token("analyst")
    states = {name: body for name, body in SORTING["states"].items() if name != "failed"}
    strict = {**SORTING, "id": "strict_sorting", "title": "Strict sorting",
              "states": {**states, "each": {**states["each"], "tolerated_failures": 0}},
              "transitions": SORTING["transitions"][:1]}  # no error transition: a failure fails the instance
    started = server.publish_and_start(strict, {"tickets": ["ok", "bad", "ok"]}, token=token)
    _until_status(server, token, started["id"], "failed")

    page = sign_in("analyst")
    page.goto(f"/instances/{started['id']}")
    expect(page.get_by_test_id("instance-failure")).to_be_visible()
    page.get_by_test_id("map-items-status").select_option("failed")
    expect(page.get_by_test_id("map-item-1")).to_contain_text("#1 failed in unsorted")
    expect(page.get_by_test_id("redrive-map")).to_contain_text("the items that succeeded are kept")
    page.get_by_test_id("redrive-set").fill('{"tickets": ["ok", "ok", "ok"]}')
    screenshot(page, "map-redrive")
    page.get_by_test_id("op-redrive").click()
    _until_status(server, token, started["id"], "succeeded")
    expect(page.get_by_test_id("instance-status")).to_have_text("succeeded")

    items = server.api("GET", f"/api/instances/{started['id']}/items", token=token)
    assert (items["counts"], [i["state"] for i in items["items"]]) == ({"succeeded": 3}, ["sorted"] * 3)
    page.get_by_test_id("instance-refresh").click()
    expect(page.get_by_test_id("map-items-list").locator("li")).to_have_count(3)
    screenshot(page, "map-redriven")
