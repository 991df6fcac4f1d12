"""An analyst edits the inside of a parallel state's branch on the canvas: opens the branch from the inspector,
adds and connects a state there, edits it, follows a finding into the branch, undoes and redoes, sees the
change in the JSON under `branches`, returns to the workflow by the breadcrumb and saves."""

from __future__ import annotations

import pytest
from browser_steps import (
    SignIn,
    add_expressions,
    add_state,
    add_transition,
    connect_by_drag,
    json_text,
    screenshot,
    select_state,
    settled_box,
    state,
    wait_validated,
)
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DRAFT = {
    "id": "contract_review",
    "title": "Contract review",
    "initial": "intake",
    "states": {
        "intake": {"type": "task", "action": "read_contract"},
        "review": {
            "type": "parallel",
            "title": "Review",
            "branches": [
                {
                    "name": "legal",
                    "initial": "check",
                    "states": {
                        "check": {"type": "task", "action": "legal_check"},
                        "cleared": {"type": "final", "outcome": "success"},
                    },
                    "transitions": [{"source": "check", "trigger": "done", "dest": "cleared"}],
                },
                {
                    "name": "finance",
                    "initial": "price",
                    "states": {
                        "price": {"type": "task", "action": "check_price"},
                        "priced": {"type": "final", "outcome": "success"},
                    },
                    "transitions": [{"source": "price", "trigger": "done", "dest": "priced"}],
                },
            ],
            "join": {"mode": "all", "on_failure": "cancel_others"},
        },
        "signed": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "intake", "trigger": "done", "dest": "review"},
        {"source": "intake", "trigger": "error", "dest": "refused"},
        {"source": "review", "trigger": "done", "dest": "signed"},
        {"source": "review", "trigger": "error", "dest": "refused"},
    ],
    "layout": {
        "intake": {"x": 0, "y": 0},
        "review": {"x": 0, "y": 160},
        "signed": {"x": -150, "y": 320},
        "refused": {"x": 150, "y": 320},
    },
}


def click_empty_canvas(page: Page) -> None:
    """Leave the inspector's fields, so canvas shortcuts (undo, redo) apply to the diagram."""
    page.get_by_test_id("canvas").click(position={"x": 5, "y": 5})


def test_analyst_edits_a_branch_on_the_canvas(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=token)
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(state(page, "review")).to_be_visible()
    expect(page.get_by_test_id("scope-breadcrumb")).to_have_count(0)

    # The parallel state's inspector lists its branches; Open switches the canvas to the branch.
    select_state(page, "review")
    expect(page.get_by_test_id("open-branch-finance")).to_be_visible()
    page.get_by_test_id("open-branch-legal").click()
    breadcrumb = page.get_by_test_id("scope-breadcrumb")
    expect(breadcrumb.get_by_test_id("scope-root")).to_have_text("Workflow")
    expect(breadcrumb.get_by_test_id("scope-state-review")).to_have_text("review (parallel)")
    expect(breadcrumb.get_by_test_id("scope-current")).to_have_text("legal")
    expect(page.locator(".react-flow__node")).to_have_count(2)
    expect(state(page, "check")).to_be_visible()
    expect(state(page, "cleared")).to_be_visible()
    expect(state(page, "intake")).to_have_count(0)
    expect(page.get_by_test_id("branch-inspector")).to_contain_text("legal")

    # A state added from the palette lands in the branch; unconnected, validation finds it in the branch.
    add_state(page, "task", "notify", action="flag_for_review")
    add_expressions(page, "input", {"qa": "qa"})  # what flag_for_review's handler requires
    expect(page.locator(".react-flow__node")).to_have_count(3)
    wait_validated(page)
    expect(state(page, "notify")).to_have_attribute("data-mark", "error")
    unreachable = page.locator('[data-testid="finding-unreachable-state"][data-states="notify"]')
    expect(unreachable.get_by_test_id("finding-target")).to_have_text("notify in review \u203a legal")
    expect(unreachable).to_have_count(1)

    # From the workflow root, the finding leads back into the branch and selects the state at fault.
    page.get_by_test_id("scope-root").click()
    expect(state(page, "notify")).to_have_count(0)
    expect(state(page, "review")).to_have_attribute("data-mark", "error")
    unreachable.click()
    expect(breadcrumb.get_by_test_id("scope-current")).to_have_text("legal")
    expect(page.get_by_test_id("state-inspector")).to_contain_text("notify")
    expect(state(page, "notify")).to_be_visible()

    # Connect it: a drag from check's handle, and a transition added in the inspector.
    connect_by_drag(page, "check", "notify")
    expect(page.get_by_test_id("field-trigger")).to_have_value("error")
    add_transition(page, "notify", "cleared", trigger="done")
    wait_validated(page)
    expect(unreachable).to_have_count(0)
    expect(state(page, "notify")).not_to_have_attribute("data-mark", "error")  # a warning remains: no error path

    # Edit a field in the inspector; undo and redo it.
    select_state(page, "notify")
    page.get_by_test_id("field-title").fill("Notify counsel")
    expect(state(page, "notify")).to_contain_text("Notify counsel")
    click_empty_canvas(page)
    page.keyboard.press("Control+z")
    expect(state(page, "notify")).not_to_contain_text("Notify counsel")
    expect(breadcrumb).to_contain_text("legal")
    page.keyboard.press("Control+Shift+z")
    expect(state(page, "notify")).to_contain_text("Notify counsel")

    # Auto-layout arranges the branch's states, leaving the workflow's own positions alone.
    page.get_by_test_id("auto-layout").click()
    expect(page.get_by_test_id("auto-layout")).to_be_enabled()
    expect(page.get_by_test_id("designer-message")).to_have_count(0)  # the layered (ELK) layout, no fallback
    page.wait_for_timeout(400)  # the fit is animated
    screenshot(page, "designer-branch-canvas")

    # The JSON view shows the whole document, the edit in its place under `branches`.
    page.get_by_test_id("view-json").click()
    document = json_text(page)
    legal = document["states"]["review"]["branches"][0]
    assert legal["name"] == "legal"
    # the agent the action list names beside flag_for_review came with it
    assert legal["states"]["notify"] == {"type": "task", "action": "flag_for_review", "agent": "qa_auditor",
                                         "input": {"qa": "qa"}, "title": "Notify counsel"}
    assert {"source": "check", "trigger": "error", "dest": "notify"} in legal["transitions"]
    assert {"source": "notify", "trigger": "done", "dest": "cleared"} in legal["transitions"]
    assert "notify" not in document["states"]
    assert "notify" not in document["states"]["review"]["branches"][1]["states"]
    assert {"review/legal/check", "review/legal/cleared", "review/legal/notify"} <= set(document["layout"])
    assert "notify" not in document["layout"]
    assert {k: document["layout"][k] for k in DRAFT["layout"]} == DRAFT["layout"]

    # Back to the workflow by the breadcrumb, and save.
    page.get_by_test_id("view-diagram").click()
    page.get_by_test_id("scope-root").click()
    expect(page.get_by_test_id("scope-breadcrumb")).to_have_count(0)
    expect(state(page, "review")).to_be_visible()
    expect(state(page, "notify")).to_have_count(0)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("designer-message")).to_contain_text("Draft saved")
    expect(page.get_by_test_id("designer")).to_have_attribute("data-dirty", "false")

    saved = server.api("GET", f"/api/drafts/{draft['id']}", token=token)["content"]
    legal = saved["states"]["review"]["branches"][0]
    assert legal["states"]["notify"]["title"] == "Notify counsel"
    assert {"source": "notify", "trigger": "done", "dest": "cleared"} in legal["transitions"]
    assert saved["transitions"] == DRAFT["transitions"]


def test_branches_drill_down_further_and_copy_paste_works_inside(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")

    # Double-clicking a parallel state opens its first branch.
    box = settled_box(state(page, "review"))
    page.mouse.dblclick(box["x"] + 12, box["y"] + 8)
    breadcrumb = page.get_by_test_id("scope-breadcrumb")
    expect(breadcrumb.get_by_test_id("scope-current")).to_have_text("legal")

    # A parallel state added inside the branch opens in turn.
    page.get_by_test_id("palette-parallel").click()
    expect(state(page, "parallel_1")).to_be_visible()
    page.get_by_test_id("open-branch-branch_a").click()
    expect(breadcrumb.get_by_test_id("scope-branch-legal")).to_be_visible()
    expect(breadcrumb.get_by_test_id("scope-state-parallel_1")).to_have_text("parallel_1 (parallel)")
    expect(breadcrumb.get_by_test_id("scope-current")).to_have_text("branch_a")
    expect(page.locator(".react-flow__node")).to_have_count(2)

    # Copy and paste inside the nested branch.
    select_state(page, "work")
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    expect(state(page, "work_copy")).to_be_visible()

    # Up one level by the breadcrumb: the legal branch, holding the new parallel state.
    breadcrumb.get_by_test_id("scope-branch-legal").click()
    expect(breadcrumb.get_by_test_id("scope-current")).to_have_text("legal")
    expect(page.locator(".react-flow__node")).to_have_count(3)
    expect(state(page, "work_copy")).to_have_count(0)

    page.get_by_test_id("view-json").click()
    document = json_text(page)
    nested = document["states"]["review"]["branches"][0]["states"]["parallel_1"]["branches"][0]
    assert set(nested["states"]) == {"work", "finished", "work_copy"}
    assert "review/legal/parallel_1/branch_a/work_copy" in document["layout"]
    assert "review/legal/parallel_1" in document["layout"]

    # A branch added from the inspector gets a name of its own, next in the series of the first (branch_a,
    # branch_b; it used to be branch_1), and opens like the others.
    page.get_by_test_id("view-diagram").click()
    select_state(page, "parallel_1")
    page.get_by_test_id("add-branch").click()
    page.get_by_test_id("view-json").click()
    names = [b["name"] for b in json_text(page)["states"]["review"]["branches"][0]["states"]["parallel_1"]["branches"]]
    assert len(names) == 2
    assert names[0] == "branch_a"
    assert names[1] == "branch_b"
    page.get_by_test_id("view-diagram").click()
    page.get_by_test_id(f"open-branch-{names[1]}").click()
    expect(breadcrumb.get_by_test_id("scope-current")).to_have_text(names[1])
