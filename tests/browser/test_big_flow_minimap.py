"""The minimap of a 300-state flow shows every state. Laid out by the server, such a flow is a column some
36,000 px tall, so in the 150x100 minimap each state is a fraction of a pixel (0.45 x 0.16 px) and Chromium,
drawing the minimap with crisp edges, painted none of them: the minimap was an empty grey box. Here each
state's spot in the minimap, as the screen shows it, must be painted."""

from __future__ import annotations

import base64

import pytest
from browser_steps import SignIn
from live_server import LiveServer
from playwright.sync_api import Page
from test_big_flow_layout import big_flow, laid_out

pytestmark = pytest.mark.browser

SIZE = 300

# Each minimap state's centre, relative to the minimap's top-left corner, in screen pixels.
_STATE_SPOTS = """
() => {
  const map = document.querySelector('.react-flow__minimap-svg').getBoundingClientRect();
  return [...document.querySelectorAll('.react-flow__minimap-node')].map((rect) => {
    const r = rect.getBoundingClientRect();
    return [Math.floor(r.left + r.width / 2 - map.left), Math.floor(r.top + r.height / 2 - map.top)];
  });
}
"""

# Which of the spots the screenshot (a PNG) shows in colour: the minimap's background and its mask over the
# part out of view are white and light grey; a state is drawn in its type's (or its finding's) colour.
_PAINTED = """
async ([png, spots]) => {
  const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
  const image = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  return spots.map(([x, y]) => {
    const i = (y * image.width + x) * 4;
    return Math.min(pixels[i], pixels[i + 1], pixels[i + 2]) < 200;
  });
}
"""


def painted_states(page: Page) -> tuple[int, int]:
    """How many states the minimap holds, and at how many of their spots it paints a colour."""
    spots = page.evaluate(_STATE_SPOTS)
    png = page.locator(".react-flow__minimap-svg").screenshot(animations="disabled")
    painted: list[bool] = page.evaluate(_PAINTED, [base64.b64encode(png).decode(), spots])
    return len(spots), sum(painted)


def test_minimap_of_a_big_flow_shows_every_state(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("analyst")
    page.set_viewport_size({"width": 1440, "height": 900})
    draft = server.api("POST", "/api/drafts", {"content": big_flow(SIZE)}, token=server.token("analyst"))
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)

    held, painted = painted_states(page)
    assert held == SIZE, f"the minimap holds {held} of {SIZE} states"
    assert painted == SIZE, f"the minimap paints {painted} of its {SIZE} states"
