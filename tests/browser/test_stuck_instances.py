"""An instance stuck for an operator — its task lost every attempt with a dying worker, and has no error path —
stands out in the instance list (its own status filter and colour) and its page says why.

The dying workers are an engine of the test's own on the server's database, its manual clock an hour ahead of
the server's: the job it claims is not yet due for the server's own workers, so only the test's take it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.lost_attempts import LOST_ATTEMPTS_WITHOUT_RETRY

FLOW: dict[str, Any] = {
    "id": "strands_in_browser", "title": "Strands", "initial": "work",
    "states": {"work": {"type": "task", "action": "kills_its_worker"}, "ok": {"type": "final"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "ok"}],
}


def _strand(database_url: str) -> str:
    clock = ManualClock(datetime.now(UTC) + timedelta(hours=1))
    with Engine(database_url, clock=clock, migrate=False) as dying:
        dying.deploy(FLOW)
        instance_id = dying.start(FLOW["id"]).id
        for n in range(LOST_ATTEMPTS_WITHOUT_RETRY):
            assert [c.job.instance_id for c in dying.worker(owner=f"dying-{n}").claim(limit=1)] == [instance_id]
            clock.advance(dying.runtime.lease_s + 1)
        survivor = dying.worker(owner="survivor")
        survivor.execute(survivor.claim(limit=1))
        assert dying.get(instance_id).status == "stuck"
    return instance_id


def test_a_stuck_instance_is_listed_apart_and_its_page_says_why(server: LiveServer, sign_in: SignIn) -> None:
    assert server.database_url, "this test writes to the server's database (not with STATEWRIGHT_BROWSER_SERVER)"
    instance_id = _strand(server.database_url)
    page = sign_in("viewer")
    page.goto("/instances")
    page.get_by_test_id("filter-status").select_option("stuck")
    page.get_by_test_id("filter-apply").click()
    expect(page.get_by_test_id("instances-total")).to_have_text("1 instance")
    row = page.get_by_test_id(f"instance-row-{instance_id}")
    badge = row.locator(".status-stuck")
    expect(badge).to_have_text("stuck")
    expect(badge).to_have_css("background-color", "rgb(255, 243, 224)")  # amber, apart from failed's red
    screenshot(page, "instances-stuck")
    row.get_by_test_id("open-instance").click()
    expect(page.get_by_test_id("instance-status")).to_have_text("stuck")
    expect(page.get_by_test_id("instance-stuck")).to_contain_text("waits for an operator")
    expect(page.get_by_test_id("instance-stuck")).to_contain_text("lost with their workers")
    screenshot(page, "instance-stuck")
