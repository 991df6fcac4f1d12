"""A parallel state's branches are named in its own inspector, each name beside its Open: renaming a branch was hard
to find — the inspector offered Open and a raw JSON box, and the name's field appeared only after opening the branch
and clicking the empty canvas (QA)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_steps import json_text, screenshot, state, wait_validated
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _branch(name: str, task: str) -> dict[str, Any]:
    return {"name": name, "initial": task,
            "states": {task: {"type": "task", "action": "score_lead"}, "finished": {"type": "final"}},
            "transitions": [{"source": task, "trigger": "done", "dest": "finished"}]}


FLOW: dict[str, Any] = {
    "id": "branch_names_beside_open",
    "title": "Branch names beside Open",
    "initial": "investigate",
    "states": {
        "investigate": {"type": "parallel", "title": "Investigate in parallel",
                        "branches": [_branch("branch_a", "search_logs"), _branch("branch_b", "check_metrics")]},
        "resolved": {"type": "final"},
    },
    "transitions": [{"source": "investigate", "trigger": "done", "dest": "resolved"}],
}


def test_a_branch_is_renamed_in_the_parallel_states_inspector(
        server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    draft = server.api("POST", "/api/drafts", {"content": FLOW}, token=server.token("analyst"))
    page = sign_in_as(server, "analyst", viewport={"width": 1366, "height": 768})
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "investigate")).to_be_visible()
    wait_validated(page)
    search = page.get_by_test_id("canvas-search")
    search.fill("investigate")
    search.press("Enter")

    summary = page.get_by_test_id("branch-summary")
    expect(page.get_by_role("group", name="Branches — named here; Open shows one on the canvas")).to_be_visible()
    second = summary.get_by_role("textbox", name="Name of branch 2")
    expect(second).to_have_value("branch_b")
    expect(page.get_by_test_id("branch-row-1")).to_contain_text("2 states, starts at check_metrics")
    second.select_text()
    page.keyboard.type("metrics")  # typed letter by letter: one edit
    expect(page.get_by_test_id("open-branch-metrics")).to_be_visible()
    second.scroll_into_view_if_needed()
    screenshot(page, "branch-names-beside-open-1366")
    page.screenshot(path="/tmp/ui_polish/06_branch_names_in_parallel_inspector_1366.png")

    page.get_by_test_id("view-json").click()
    assert [b["name"] for b in json_text(page)["states"]["investigate"]["branches"]] == ["branch_a", "metrics"]
    page.get_by_test_id("view-diagram").click()

    # the name opened is the name given; one Undo takes the whole rename back
    page.get_by_test_id("open-branch-metrics").click()
    expect(page.get_by_test_id("scope-current")).to_have_text("metrics")
    page.get_by_test_id("scope-root").click()
    page.get_by_test_id("undo").click()
    search.fill("investigate")
    search.press("Enter")
    expect(page.get_by_test_id("branch-name-1")).to_have_value("branch_b")

    # a name two branches share is said at its field
    page.get_by_test_id("branch-name-1").fill("branch_a")
    wait_validated(page)
    expect(page.get_by_test_id("branch-row-1").locator(".field-problem")).not_to_have_count(0)
