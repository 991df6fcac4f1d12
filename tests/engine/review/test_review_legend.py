"""The pack's legend draws each kind as the diagram does: final states as double-bordered boxes, not circles."""

from __future__ import annotations

import re

from engine.render.style import STYLES
from engine.review.stylesheet import stylesheet


def _rules(css: str, selector: str) -> str:
    """Every declaration of the rules whose selector list names `selector`, joined."""
    found = [body for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
             if selector in [s.strip() for s in selectors.split(",")]]
    return " ".join(found)


def test_final_state_swatches_are_boxes_like_the_drawn_final_states() -> None:
    css = stylesheet("A4", "footer")
    success, failure = _rules(css, ".swatch.final_success"), _rules(css, ".swatch.final_failure")
    assert "double" in success
    assert "double" in failure
    assert "50%" not in success + failure  # the diagram no longer draws circles
    assert "border-radius: 0" in failure  # square, as its 'filled' (not rounded) box
    assert "rounded" in STYLES["final_success"].flags
    assert "rounded" not in STYLES["final_failure"].flags
