"""The import dialog proposes the new workflow's id from a pasted document as it does from a file's name — pasted
XState with "id": "support_chat" proposed nothing — and says where in the document each refusal is, by line and
column, as the importer now reports them (QA)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from browser_steps import screenshot
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SUPPORT_CHAT = {
    "id": "support_chat",
    "initial": "greeting",
    "states": {
        "greeting": {"on": {"ASKED": "answering"}},
        "answering": {"on": {"SOLVED": "closed"}},
        "closed": {"type": "final"},
    },
}

DOOR_LOCK = """<scxml xmlns="http://www.w3.org/2005/07/scxml" version="1.0" initial="a" name="door lock">
  <state id="a">
    <state id="inner"/>
    <transition event="go" target="b"/>
  </state>
  <final id="b"/>
</scxml>"""


def test_a_pasted_document_names_the_new_workflow(server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    page = sign_in_as(server, "analyst", viewport={"width": 1366, "height": 768})
    page.goto("/definitions")
    page.get_by_test_id("import-workflow").click()
    page.get_by_test_id("import-format").select_option("xstate")
    source = page.get_by_test_id("import-source")
    source.fill(json.dumps(SUPPORT_CHAT, indent=2))
    expect(page.get_by_test_id("import-id")).to_have_value("support_chat")
    screenshot(page, "import-pasted-xstate-id-1366")
    page.screenshot(path="/tmp/ui_polish/08_import_pasted_xstate_id_1366.png")

    # another document pasted over it: its id replaces the one proposed, never one typed
    source.fill(json.dumps({**SUPPORT_CHAT, "id": "support chat v2"}))
    expect(page.get_by_test_id("import-id")).to_have_value("support_chat_v2")
    page.get_by_test_id("import-id").fill("my_chat")
    source.fill(json.dumps(SUPPORT_CHAT))
    expect(page.get_by_test_id("import-id")).to_have_value("my_chat")

    page.get_by_test_id("import-id").fill("")  # emptied: the document's id is proposed again
    source.fill(json.dumps(SUPPORT_CHAT, indent=1))
    expect(page.get_by_test_id("import-id")).to_have_value("support_chat")
    page.get_by_test_id("import-submit").click()
    page.wait_for_url("**/drafts/*")
    drafts = server.api("GET", "/api/drafts", token=server.token("analyst"))["items"]
    assert "support_chat" in {d["workflow_id"] for d in drafts}


def test_a_refusal_says_its_line_and_column(server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    page = sign_in_as(server, "analyst", viewport={"width": 1366, "height": 768})
    page.goto("/definitions")
    page.get_by_test_id("import-workflow").click()
    page.get_by_test_id("import-format").select_option("scxml")
    page.get_by_test_id("import-source").fill(DOOR_LOCK)
    expect(page.get_by_test_id("import-id")).to_have_value("door_lock")  # the SCXML document's name
    page.get_by_test_id("import-submit").click()
    refusal = page.get_by_test_id("import-findings")
    expect(refusal).to_contain_text("compound state")
    expect(refusal.get_by_test_id("import-finding-place")).to_have_text(" (line 3, column 5)")
    screenshot(page, "import-refusal-line-column-1366")
    page.screenshot(path="/tmp/ui_polish/08_import_refusal_line_column_1366.png")
