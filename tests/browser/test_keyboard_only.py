"""Without a mouse: sign in, open a flow, find a state, edit it, save, publish (the dialog takes the focus, keeps
it, closes on Escape and gives it back), open an instance and send it an event, decide an approval — with Tab,
Enter, Escape and typing only, every stop on the way showing where the focus is."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from browser_steps import VIEWPORT, screenshot, wait_validated
from live_server import PASSWORD, LiveServer
from playwright.sync_api import Browser, BrowserContext, Page, expect

pytestmark = pytest.mark.browser

# A date field's calendar button draws its own focus ring inside the field (the field's style does not show it).
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  return {testid: e.getAttribute('data-testid'), role: e.getAttribute('role'), id: e.id,
          classes: String(e.getAttribute('class') || ''), text: (e.innerText || e.value || '').slice(0, 60),
          inDialog: Boolean(e.closest('[role=dialog]')),
          outlined: style.outlineStyle !== 'none' || style.boxShadow !== 'none' || e.type === 'datetime-local'};
}"""


def focused(page: Page) -> dict[str, Any] | None:
    found: dict[str, Any] | None = page.evaluate(FOCUSED)
    return found


def tab_to(page: Page, wanted: Callable[[dict[str, Any]], bool], *, limit: int = 60, back: bool = False) -> int:
    """Press Tab (Shift+Tab) until the focus is where wanted; every stop on the way must show the focus."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        at = focused(page)
        assert at is not None, "the focus fell off the page"
        assert "react-flow__edge" not in at["classes"], f"a transition's line took the focus: {at}"
        assert at["outlined"], f"the focus is not shown: {at}"
        if wanted(at):
            return presses
    raise AssertionError(f"not reached in {limit} presses of Tab; the focus is on {focused(page)}")


def at_testid(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda at: at["testid"] == name


def flow(workflow_id: str) -> dict[str, Any]:
    return {
        "id": workflow_id, "title": "Keyboard purchase", "initial": "intake",
        "context": {"type": "object", "properties": {"item": {"type": "string"}}},
        "states": {
            "intake": {"type": "choice", "title": "Intake"},
            "review": {"type": "approval", "title": "Manager review", "approvers": {"roles": ["sales_manager"]},
                       "request": {"item": "item"}},
            "bought": {"type": "final", "outcome": "success", "title": "Bought"},
            "refused": {"type": "final", "outcome": "failure", "title": "Refused"},
            "withdrawn": {"type": "final", "outcome": "failure", "title": "Withdrawn"},
        },
        "transitions": [
            {"source": "intake", "dest": "review"},
            {"source": "review", "trigger": "approve", "dest": "bought"},
            {"source": "review", "trigger": "reject", "dest": "refused"},
            {"source": "review", "trigger": "withdraw", "dest": "withdrawn"},
        ],
    }


def keyboard_user(browser: Browser, contexts: list[BrowserContext], server: LiveServer, role: str) -> Page:
    """A fresh browser signed in by typing: the username field has the focus, Tab, the password, Enter."""
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
    contexts.append(context)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/")
    expect(page.get_by_test_id("login-username")).to_be_focused()
    page.keyboard.type(server.users[role].username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("current-user")).to_contain_text(server.users[role].display_name)
    return page


@pytest.fixture
def purchase(server: LiveServer) -> dict[str, Any]:
    """A published flow of its own, with one instance waiting for a manager's review."""
    workflow_id = f"kb_purchase_{uuid.uuid4().hex[:6]}"
    return server.publish_and_start(flow(workflow_id), {"item": "a desk"}, token=server.token("analyst"))


def test_an_analyst_finds_edits_and_saves_a_state_with_the_keyboard(
        server: LiveServer, browser: Browser, contexts: list[BrowserContext], purchase: dict[str, Any]) -> None:
    workflow_id = purchase["workflow_id"]
    for n in range(30):  # drafts in the way, as a busy team has them: each is two stops (open, delete)
        server.api("POST", "/api/drafts", {"content": flow(f"kb_draft_{n}_{uuid.uuid4().hex[:6]}")},
                   token=server.token("analyst"))
    page = keyboard_user(browser, contexts, server, "analyst")

    expect(page.get_by_test_id(f"open-definition-{workflow_id}")).to_be_visible()  # the list is in
    tab_to(page, at_testid("skip-drafts"), limit=20)  # past the drafts in one step, to the published ones' search
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("definitions-search")).to_be_focused()  # the search over the list: type, then Tab
    page.keyboard.type(workflow_id)
    expect(page.locator("[data-testid^='definition-row-']")).to_have_count(1)  # the list, filtered
    tab_to(page, at_testid(f"open-definition-{workflow_id}"))
    page.keyboard.press("Enter")
    tab_to(page, at_testid("edit-definition"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("designer")).to_be_visible()
    wait_validated(page)

    # The search comes before the states on the canvas, and the transitions' lines are no stops on the way.
    tab_to(page, at_testid("canvas-search"), limit=30)
    page.keyboard.type("review")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("field-id")).to_have_value("review")
    # Past the diagram in one step: the link beside the search goes to the inspector.
    tab_to(page, at_testid("skip-diagram"), limit=5)
    screenshot(page, "keyboard-skip-to-inspector")
    page.keyboard.press("Enter")
    expect(page.locator("#designer-side-panel")).to_be_focused()
    tab_to(page, at_testid("field-title"), limit=8)
    page.keyboard.press("Control+A")
    page.keyboard.type("Manager approval")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+S")
    expect(page.get_by_test_id("designer-message")).to_contain_text("Draft saved")
    wait_validated(page)
    expect(page.get_by_test_id("findings-panel")).to_contain_text("0 errors")
    token = server.token("analyst")
    drafts = server.api("GET", f"/api/drafts?workflow={workflow_id}", token=token)["items"]
    assert len(drafts) == 1
    saved = server.api("GET", f"/api/drafts/{drafts[0]['id']}", token=token)
    assert saved["content"]["states"]["review"]["title"] == "Manager approval"


def test_the_publish_dialog_takes_keeps_and_gives_back_the_focus(
        server: LiveServer, browser: Browser, contexts: list[BrowserContext], purchase: dict[str, Any]) -> None:
    workflow_id = purchase["workflow_id"]
    token = server.token("analyst")
    draft = server.api("POST", "/api/drafts", {"workflow_id": workflow_id}, token=token)
    content = draft["content"]
    content["states"]["review"]["title"] = "Manager approval"
    server.api("PUT", f"/api/drafts/{draft['id']}", {"content": content}, token=token)
    page = keyboard_user(browser, contexts, server, "analyst")
    page.goto(f"/drafts/{draft['id']}")
    expect(page.get_by_test_id("designer")).to_be_visible()

    tab_to(page, at_testid("publish"))
    page.keyboard.press("Enter")
    dialog = page.get_by_test_id("publish-dialog")
    expect(dialog).to_be_focused()
    expect(page.get_by_test_id("publish-confirm")).to_be_enabled()
    for _ in range(6):  # round and round the dialog's own controls, never the page under it
        page.keyboard.press("Tab")
        at = focused(page)
        assert at is not None, "the focus fell off the page"
        assert at["inDialog"], f"Tab left the dialog: {at}"
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("publish")).to_be_focused()

    page.keyboard.press("Enter")
    expect(dialog).to_be_focused()
    tab_to(page, at_testid("publish-confirm"))
    screenshot(page, "keyboard-publish-dialog")
    page.keyboard.press("Enter")
    # One instance runs v1: the offer to migrate it takes the focus in turn; Escape is "Not now".
    offer = page.get_by_test_id("migrate-dialog")
    expect(offer).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("definition-page")).to_be_visible()
    published = server.api("GET", f"/api/definitions/{workflow_id}", token=token)
    assert published["version"] == 2
    assert published["definition"]["states"]["review"]["title"] == "Manager approval"


def test_an_operator_sends_an_instance_an_event_with_the_keyboard(
        server: LiveServer, browser: Browser, contexts: list[BrowserContext], purchase: dict[str, Any]) -> None:
    operator = keyboard_user(browser, contexts, server, "analyst")
    tab_to(operator, at_testid("nav-instances"))
    operator.keyboard.press("Enter")
    tab_to(operator, at_testid("filter-workflow"))
    operator.keyboard.type(purchase["workflow_id"])
    operator.keyboard.press("Enter")
    expect(operator.get_by_test_id(f"instance-row-{purchase['id']}")).to_be_visible()
    tab_to(operator, at_testid("open-instance"))
    operator.keyboard.press("Enter")
    expect(operator.get_by_test_id("instance-state")).to_have_text("review")
    tab_to(operator, at_testid("skip-diagram"), limit=20)
    operator.keyboard.press("Enter")
    tab_to(operator, at_testid("op-event"), limit=5)
    tab_to(operator, at_testid("op-send"), limit=5)
    operator.keyboard.press("Enter")
    expect(operator.get_by_test_id("instance-state")).to_have_text("withdrawn")


def test_an_approver_decides_with_the_keyboard(
        server: LiveServer, browser: Browser, contexts: list[BrowserContext], purchase: dict[str, Any]) -> None:
    approver = keyboard_user(browser, contexts, server, "approver")
    tab_to(approver, at_testid("nav-inbox"))
    approver.keyboard.press("Enter")
    card = f"approval-{purchase['workflow_id']}"
    expect(approver.get_by_test_id(card)).to_have_count(1)
    tab_to(approver, at_testid(card), limit=80)
    approver.keyboard.press("Enter")
    expect(approver.get_by_test_id("approval-detail")).to_be_visible()
    tab_to(approver, at_testid("decision-comment"), limit=10)
    approver.keyboard.type("Fine by me")
    tab_to(approver, at_testid("approve"), limit=3)
    approver.keyboard.press("Enter")
    expect(approver.get_by_test_id("inbox-message")).to_be_visible()
    # The decided request's detail is gone; the focus goes on to the list of the rest, not off the page.
    expect(approver.get_by_test_id("inbox-list")).to_be_focused()
    screenshot(approver, "keyboard-approved")
    detail = server.api("GET", f"/api/instances/{purchase['id']}", token=server.token("analyst"))
    assert detail["state"] == "bought"
