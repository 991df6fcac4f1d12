"""✕ on the note that the drawing is tangled ("Keep the drawing as it is") holds until the drawing reads as well as
the automatic layout again: after Auto-layout, a drawing tangled again — by Undo, by states moved — is said again.
It used to be kept for good, so a person who once kept a tangled drawing never heard of its tangles again, after
Auto-layout or in another flow."""

from __future__ import annotations

import pytest
from browser_steps import SignIn, laid_out
from live_server import LiveServer
from playwright.sync_api import expect
from test_canvas_new_state_placement import PILED, open_draft

pytestmark = pytest.mark.browser


def test_keeping_a_tangled_drawing_holds_until_auto_layout(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    open_draft(page, server, PILED)
    note = page.get_by_test_id("canvas-tangled")
    expect(note).to_contain_text("through states")

    note.get_by_test_id("canvas-keep-drawing").click()
    expect(note).to_have_count(0)

    page.get_by_test_id("auto-layout").click()  # the toolbar's, not the note's: the drawing now reads well
    expect(page.get_by_test_id("unsaved")).to_be_visible()
    laid_out(page)
    page.wait_for_timeout(600)  # weighed after the drawing is drawn
    expect(note).to_have_count(0)

    page.get_by_test_id("undo").click()  # the same tangles as the ones kept: said again, the keep spent
    expect(note).to_be_visible()
    expect(note).to_contain_text("through states")
