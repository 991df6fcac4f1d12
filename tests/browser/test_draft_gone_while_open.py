"""A draft open in the editor that someone else publishes (publishing removes the draft) or deletes: the tab says so
at once — as the version it was published as, or as deleted — no longer offers Save or Request publication, and
keeps the work: "Save my changes as a new draft" makes a draft of what the tab shows on top of the latest published
version; "Discard and open the latest version" goes there. The tab used to say nothing; Save then failed with
"no draft '…': publishing a draft removes it …", Request publication stayed enabled, and the edits were stranded."""

from __future__ import annotations

from typing import Any

import pytest
from browser_steps import SignIn, screenshot, select_state, state
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

TOLD_WITHIN_MS = 5_000  # the live stream's `drafts` notice makes the tab look at once

FLOW: dict[str, Any] = {
    "title": "Gone while open",
    "context": {"type": "object", "properties": {"lead": {"type": "object"}}},
    "initial": "work",
    "states": {"work": {"type": "task", "action": "score_lead", "input": {"lead": "lead"}},
               "finished": {"type": "final"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "finished"}],
    "layout": {"work": {"x": 0, "y": 0}, "finished": {"x": 0, "y": 160}},
}


def _published_draft(server: LiveServer, workflow_id: str) -> dict[str, Any]:
    """A draft of version 1 of a new workflow `workflow_id`, as "Edit as draft" makes it."""
    token = server.token("analyst")
    first = server.api("POST", "/api/drafts", {"content": {**FLOW, "id": workflow_id}}, token=token)
    server.api("POST", f"/api/drafts/{first['id']}/publish", token=token)
    draft: dict[str, Any] = server.api("POST", "/api/drafts", {"workflow_id": workflow_id}, token=token)
    return draft


def _edited(page: Page, draft_id: str) -> None:
    page.goto(f"/drafts/{draft_id}")
    expect(state(page, "work")).to_be_visible()
    expect(page.locator("html[data-live='stream']")).to_have_count(1)
    select_state(page, "work")
    page.get_by_test_id("field-title").fill("Screen the supplier")
    page.get_by_test_id("field-title").press("Enter")
    expect(state(page, "work")).to_contain_text("Screen the supplier")


def test_a_draft_published_by_someone_else_is_said_and_the_work_kept(server: LiveServer, sign_in: SignIn) -> None:
    draft = _published_draft(server, "gone_published")
    page = sign_in("writer")  # edits drafts, may only request publication
    _edited(page, draft["id"])

    server.api("POST", f"/api/drafts/{draft['id']}/publish", token=server.token("analyst"))
    gone = page.get_by_test_id("draft-gone")
    expect(gone).to_contain_text("This draft was published as v2", timeout=TOLD_WITHIN_MS)
    expect(gone).to_contain_text("by ana")
    expect(page.get_by_test_id("save")).to_be_disabled()
    expect(page.get_by_test_id("request-publication")).to_be_disabled()
    expect(state(page, "work")).to_contain_text("Screen the supplier")  # the edit is still shown
    screenshot(page, "draft-gone-published")

    gone.get_by_test_id("draft-gone-save-new").click()
    expect(page).not_to_have_url(f"/drafts/{draft['id']}")
    expect(state(page, "work")).to_contain_text("Screen the supplier")
    expect(page.get_by_test_id("draft-gone")).to_have_count(0)
    expect(page.get_by_test_id("unsaved")).to_have_count(0)
    new_id = page.url.rsplit("/", 1)[-1]
    saved = server.api("GET", f"/api/drafts/{new_id}", token=server.token("writer"))
    assert saved["base_version"] == 2  # on top of the version published meanwhile
    assert saved["content"]["states"]["work"]["title"] == "Screen the supplier"


def test_a_draft_deleted_elsewhere_is_said_and_can_be_discarded(server: LiveServer, sign_in: SignIn) -> None:
    draft = _published_draft(server, "gone_deleted")
    page = sign_in("analyst")
    _edited(page, draft["id"])

    server.api("DELETE", f"/api/drafts/{draft['id']}", token=server.token("writer"))
    gone = page.get_by_test_id("draft-gone")
    expect(gone).to_contain_text("This draft was deleted", timeout=TOLD_WITHIN_MS)
    expect(page.get_by_test_id("save")).to_be_disabled()
    expect(page.get_by_test_id("publish")).to_be_disabled()
    discard = gone.get_by_test_id("draft-gone-open-latest")
    expect(discard).to_have_text("Discard and open the latest version (v1)")
    discard.click()
    expect(page).to_have_url(f"{server.url}/definitions/gone_deleted")


def test_publishing_from_this_tab_is_no_news_to_it(server: LiveServer, sign_in: SignIn) -> None:
    draft = _published_draft(server, "gone_published_here")
    page = sign_in("analyst")
    _edited(page, draft["id"])
    page.get_by_test_id("publish").click()  # saves, then shows what changes
    dialog = page.get_by_test_id("publish-dialog")
    expect(dialog.get_by_test_id("publish-diff")).to_contain_text("title")
    page.wait_for_timeout(1_500)  # the save's notice reached the tab
    dialog.get_by_test_id("publish-confirm").click()
    expect(page).to_have_url(f"{server.url}/definitions/gone_published_here?published=2")
    expect(page.get_by_test_id("draft-gone")).to_have_count(0)
