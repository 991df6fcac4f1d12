"""▶ Play in simulator under a path of a published version's Paths list, at 1366x768: the simulator opened below the
list, far out of sight, and the focus stayed on the button. Now the path being played is scrolled into view and takes
the focus, so the next key (Tab to "Next step") goes on from there."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_steps import screenshot
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_simulator_comes_into_view_with_the_focus(server: LiveServer, sign_in_as: Callable[..., Page]) -> None:
    page = sign_in_as(server, "analyst", viewport={"width": 1366, "height": 768})
    page.goto("/definitions/lead_qualification")
    paths = page.get_by_test_id("paths-panel")
    expect(paths).to_have_attribute("data-pending", "false")
    plays = page.locator('[data-testid^="path-play-"]')
    expect(plays.first).to_be_visible()
    assert plays.count() >= 10
    last = plays.nth(plays.count() - 1)  # far down the list
    number = (last.get_attribute("data-testid") or "").rsplit("-", 1)[1]
    last.scroll_into_view_if_needed()
    last.focus()
    page.keyboard.press("Enter")

    player = page.get_by_test_id("sim-play")
    expect(player).to_contain_text(f"Playing path #{number}")
    expect(player).to_be_focused()
    expect(player).to_be_in_viewport()
    box = player.bounding_box()
    assert box is not None
    assert box["y"] >= 0, box
    assert box["y"] + min(box["height"], 120) <= 768, box
    screenshot(page, "path-play-in-view-1366")
    page.screenshot(path="/tmp/ui_polish/02_play_in_simulator_1366.png")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('[data-testid=sim-play]') !== null")
    assert focused, "Tab goes on inside the path being played"
