"""Playing a path in the simulator: from the Paths panel, a path of lead_qualification is played step by step and
then to its end; the canvas follows the flow along the path to its final state and the simulator's log lists
each step. A flow that leaves the path (a policy denies a state on it) is said in words."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from browser_steps import SignIn, state
from docs_screens import save_doc_screenshot
from live_server import LiveServer
from playwright.sync_api import Page, expect

from definitions import WORKFLOWS_DIR

pytestmark = pytest.mark.browser

LEAD = json.loads((Path(WORKFLOWS_DIR) / "lead_qualification.json").read_text(encoding="utf-8"))
ON_PATH = ("extract", "check_duplicate", "duplicate_gate", "score", "route", "book_meeting", "request_manual_booking",
           "record_in_crm", "outcome_gate", "publish_qualified")


def _number(server: LiveServer, flow: dict[str, Any], states: tuple[str, ...]) -> int:
    """The number the Paths panel gives the path through exactly `states`."""
    report = server.api("POST", "/api/paths", {"definition": flow}, token=server.token("analyst"))
    return int(next(p["number"] for p in report["paths"] if tuple(p["states"][:-1]) == states))


def _open_draft(server: LiveServer, sign_in: SignIn, flow: dict[str, Any]) -> Page:
    draft = server.api("POST", "/api/drafts", {"content": flow}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    page.get_by_test_id("panel-paths").click()
    return page


def test_a_path_is_played_step_by_step_to_its_final_state(server: LiveServer, sign_in: SignIn) -> None:
    flow = {**copy.deepcopy(LEAD), "id": "lead_played"}
    number = _number(server, flow, ON_PATH)
    page = _open_draft(server, sign_in, flow)
    page.get_by_test_id(f"path-play-{number}").click()

    player = page.get_by_test_id("sim-play")
    expect(player).to_contain_text(f"Playing path #{number} to qualified")
    expect(page.get_by_test_id("sim-state")).to_have_text("extract")  # started: the first task waits
    expect(player.get_by_test_id("sim-cue-0")).to_contain_text("the action of extract answers")
    page.get_by_test_id("sim-play-next").click()
    expect(page.get_by_test_id("sim-state")).to_have_text("check_duplicate")
    expect(player.get_by_test_id("sim-cue-0")).to_have_attribute("data-sent", "true")
    expect(state(page, "extract")).to_have_attribute("data-mark", "visited")
    expect(state(page, "check_duplicate")).to_have_attribute("data-mark", "current")

    page.get_by_test_id("sim-play-next").click()
    page.get_by_test_id("sim-play-next").click()  # score answers: route → book_meeting, where the path goes on
    expect(page.get_by_test_id("sim-state")).to_have_text("book_meeting")
    expect(player.get_by_test_id("sim-cue-3")).to_contain_text("book_meeting fails with an error of kind 'error'")

    page.get_by_test_id("sim-play-all").click()
    expect(page.get_by_test_id("sim-play-verdict")).to_have_text(
        f"Path #{number} played: the flow reached qualified (success).")
    expect(page.get_by_test_id("sim-state")).to_have_text("qualified")
    expect(page.get_by_test_id("sim-status")).to_contain_text("finished: success")
    for on_path in ON_PATH:
        expect(state(page, on_path)).to_have_attribute("data-mark", "visited")
    expect(state(page, "qualified")).to_have_attribute("data-mark", "current")
    for off_path in ("add_to_nurture", "log_duplicate", "nurtured"):
        expect(state(page, off_path)).to_have_attribute("data-mark", "")
    log = page.get_by_test_id("sim-steps")
    expect(log.locator(":scope > li")).to_have_count(len(ON_PATH) + 1)  # one step into each state of the path
    expect(log).to_contain_text("book_meeting → request_manual_booking on error")
    expect(log).to_contain_text("publish_qualified → qualified on done")
    expect(page.get_by_test_id("sim-play-next")).to_be_disabled()
    save_doc_screenshot(page, "designer-path-play")


def test_a_flow_that_leaves_the_path_is_said_in_words(server: LiveServer, sign_in: SignIn) -> None:
    flow = {**copy.deepcopy(LEAD), "id": "lead_denied", "policies": [
        {"id": "no_meetings", "applies_at": ["book_meeting"], "condition": "true", "outcome": "deny",
         "reason": "meetings are paused", "action_required": "wait"}]}
    flow["states"]["book_meeting"]["policies"] = ["no_meetings"]
    number = _number(server, flow, (*ON_PATH[:6], "record_in_crm", "outcome_gate", "publish_qualified"))
    page = _open_draft(server, sign_in, flow)
    page.get_by_test_id(f"path-play-{number}").click()
    expect(page.get_by_test_id("sim-play-check")).to_contain_text(
        "The flow leaves this path: the flow failed in 'book_meeting' (meetings are paused)")
    page.get_by_test_id("sim-play-all").click()
    expect(page.get_by_test_id("sim-play-verdict")).to_have_text(
        f"The flow leaves path #{number}: it failed in 'book_meeting' where the path goes on to 'record_in_crm'.")
    expect(page.get_by_test_id("sim-state")).to_have_text("book_meeting")
    expect(state(page, "record_in_crm")).to_have_attribute("data-mark", "")
    expect(page.get_by_test_id("sim-play-all")).to_be_disabled()


def test_a_published_version_plays_a_path_beside_its_diagram(sign_in: SignIn) -> None:
    page = sign_in("viewer")
    page.goto("/definitions/support_ticket_triage")
    panel = page.get_by_test_id("paths-panel")
    critical = panel.locator('[data-critical="true"]')  # respond -error→ escalate → escalated
    expect(critical).to_have_count(1)
    number = critical.get_attribute("data-testid", timeout=15_000)
    assert number is not None
    page.get_by_test_id(number.replace("path-", "path-play-")).click()
    page.get_by_test_id("sim-play-all").click()
    expect(page.get_by_test_id("sim-play-verdict")).to_contain_text("the flow reached escalated (success)")
    expect(state(page, "respond")).to_have_attribute("data-mark", "visited")
    expect(state(page, "escalated")).to_have_attribute("data-mark", "current")
    expect(state(page, "resolved")).to_have_attribute("data-mark", "")
