"""The Workflows page, as QA found it: Import… refused Statewright's own JSON in XState's terms ("the machine's
'title' cannot be imported: no Statewright counterpart on the machine itself") — it opens it as a new draft now,
whatever format the form guessed — and the skip link past the drafts read "Skip the 1 drafts"."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_steps import SignIn, screenshot, state
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SHIPPED = Path(__file__).resolve().parents[2] / "definitions" / "workflows" / "lead_qualification.json"


def _draft(workflow_id: str) -> dict[str, Any]:
    return {"id": workflow_id, "title": workflow_id.replace("_", " ").capitalize(), "initial": "hold",
            "states": {"hold": {"type": "wait", "duration": "P1D"}, "done": {"type": "final", "outcome": "success"}},
            "transitions": [{"source": "hold", "trigger": "done", "dest": "done"}]}


@pytest.fixture
def quiet_server() -> Iterator[LiveServer]:
    """A server of the test's own: no other test's drafts in its list."""
    with LiveServer() as live:
        yield live


def test_the_skip_link_counts_the_drafts_in_words(
        quiet_server: LiveServer, sign_in_to: Callable[[LiveServer, str], Page]) -> None:
    token = quiet_server.token("analyst")
    quiet_server.api("POST", "/api/drafts", {"content": _draft("first")}, token=token)  # the demo has none
    page = sign_in_to(quiet_server, "analyst")
    page.goto("/definitions")
    skip = page.get_by_test_id("skip-drafts")
    expect(page.get_by_test_id("drafts-table").locator("tbody tr")).to_have_count(1)
    expect(skip).to_have_text("Skip the draft: search the published workflows")

    quiet_server.api("POST", "/api/drafts", {"content": _draft("second")}, token=token)
    page.reload()
    expect(page.get_by_test_id("drafts-table").locator("tbody tr")).to_have_count(2)
    expect(skip).to_have_text("Skip the 2 drafts: search the published workflows")


def test_a_statewright_definition_is_imported_as_a_new_draft(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    page.goto("/definitions")
    page.get_by_test_id("import-workflow").click()
    # The file as QA chose it: the form guesses XState for a JSON file without "StartAt".
    page.get_by_test_id("import-file").set_input_files(
        files=[{"name": "my_leads.json", "mimeType": "application/json", "buffer": SHIPPED.read_bytes()}])
    expect(page.get_by_test_id("import-format")).to_have_value("xstate")
    expect(page.get_by_test_id("import-id")).to_have_value("my_leads")
    page.get_by_test_id("import-submit").click()
    page.wait_for_url("**/drafts/**")
    expect(state(page, "extract")).to_be_visible()
    expect(page.get_by_test_id("import-findings")).to_have_count(0)
    screenshot(page, "pages-import-native")
    draft_id = page.url.rsplit("/", 1)[1]
    content = server.api("GET", f"/api/drafts/{draft_id}", token=server.token("analyst"))["content"]
    shipped = json.loads(SHIPPED.read_text())
    assert content["id"] == "my_leads"
    assert (content["states"], content["transitions"]) == (shipped["states"], shipped["transitions"])
