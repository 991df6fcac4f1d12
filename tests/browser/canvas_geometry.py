"""What the canvas looks like on screen, measured in the page: how tall the state names are drawn, whether a
transition's line runs through a state, and which states an overlay covers. Used by the browser tests and by
bench/bench_ui.py."""

from __future__ import annotations

from playwright.sync_api import Page

__all__ = ["edges_through_states", "label_heights", "states_under"]

_LABEL_HEIGHTS = """
() => [...document.querySelectorAll('.react-flow__node-state .state-title')]
  .map((title) => title.getBoundingClientRect().height)
"""

# Each edge's path is sampled every 4 px (in screen space); a sample inside a state's box (shrunk by 3 px)
# that is not one of the edge's own two states is a line drawn through a state.
_EDGES_THROUGH_STATES = """
() => {
  const nodes = [...document.querySelectorAll('.react-flow__node')]
    .map((n) => ({ id: n.dataset.id, r: n.getBoundingClientRect() }));
  const inside = (p, r, margin) =>
    p.x > r.left + margin && p.x < r.right - margin && p.y > r.top + margin && p.y < r.bottom - margin;
  const found = new Set();
  for (const edge of document.querySelectorAll('.react-flow__edge')) {
    const path = edge.querySelector('path.react-flow__edge-path');
    if (!path) continue;
    const length = path.getTotalLength();
    const matrix = path.getScreenCTM();
    const at = (t) => { const p = path.getPointAtLength(t); return new DOMPoint(p.x, p.y).matrixTransform(matrix); };
    const start = at(0), end = at(length);
    const own = nodes.filter((n) => inside(start, n.r, -14) || inside(end, n.r, -14)).map((n) => n.id);
    for (let t = 0; t <= length; t += 4) {
      const p = at(t);
      const hit = nodes.find((n) => !own.includes(n.id) && inside(p, n.r, 3));
      if (hit) { found.add(`${edge.dataset.id} through ${hit.id}`); break; }
    }
  }
  return [...found];
}
"""

# A state counts where it is drawn: the part of its box inside its canvas' drawing area (a state panned out of
# the drawing — behind the search bar's strip above it, say — is not covered by anything).
_STATES_UNDER = """
(selector) => {
  const overlay = document.querySelector(selector);
  if (!overlay) return [];
  const o = overlay.getBoundingClientRect();
  return [...document.querySelectorAll('.react-flow__node')]
    .filter((n) => {
      const drawing = n.closest('.react-flow').getBoundingClientRect();
      const r = n.getBoundingClientRect();
      const left = Math.max(r.left, drawing.left, o.left), right = Math.min(r.right, drawing.right, o.right);
      const top = Math.max(r.top, drawing.top, o.top), bottom = Math.min(r.bottom, drawing.bottom, o.bottom);
      return left < right && top < bottom;
    })
    .map((n) => n.dataset.id);
}
"""


def label_heights(page: Page) -> list[float]:
    """The on-screen height (px) of every drawn state's name."""
    return [float(h) for h in page.evaluate(_LABEL_HEIGHTS)]


def edges_through_states(page: Page) -> list[str]:
    """'edge-id through state-id' for each transition line that crosses a state other than its own two."""
    return [str(x) for x in page.evaluate(_EDGES_THROUGH_STATES)]


def states_under(page: Page, selector: str) -> list[str]:
    """The ids of the states an overlay (minimap, search bar, …) covers where they are drawn."""
    return [str(x) for x in page.evaluate(_STATES_UNDER, selector)]
