"""A PNG for one printed page (`render --page` with a PNG): shrunk to the page only while its text stays legible.

A PNG is one image, so it cannot be split over pages as the PDF is (`engine.review.paging`). Shrunk to the page
whatever its size, a long flow came out 72 x 925 pixels with text a fraction of a point high. So the drawing is
shrunk to the page's printable area only as far as its smallest text stays at `MIN_TEXT_PT` or more there, and
drawn at `PAGE_DPI`, so that text is some 15 pixels high; a drawing that would need more shrinking is refused,
with the two ways that keep it legible: a PDF over pages, or the PNG at full size (without a page).
"""

from __future__ import annotations

import re

from engine.errors import InvalidInput

__all__ = ["MIN_TEXT_PT", "PAGE_DPI", "legible_scale", "smallest_font"]

MIN_TEXT_PT = 7.0
"""The smallest text printed, in points: the review pack's pages and `render --page` keep to it."""
PAGE_DPI = 150
"""The resolution of a PNG drawn for a page: 7 pt text is about 15 pixels high."""
_INCH = 72.0
_SIZE = re.compile(r'\b(?:fontsize|labelfontsize|POINT-SIZE)="?(\d+(?:\.\d+)?)')


def smallest_font(dot_text: str) -> float:
    """The smallest font size (points) the DOT text asks for (14, Graphviz's default, when it names none)."""
    return min((float(size) for size in _SIZE.findall(dot_text)), default=14.0)


def legible_scale(drawing_pt: tuple[float, float], fit_inches: tuple[float, float], smallest_pt: float) -> float:
    """The scale (at most 1) that fits a drawing of `drawing_pt` (width, height) into `fit_inches`; InvalidInput
    when its smallest text would then print under `MIN_TEXT_PT`."""
    width, height = drawing_pt
    scale = min(1.0, fit_inches[0] * _INCH / max(width, 1.0), fit_inches[1] * _INCH / max(height, 1.0))
    if smallest_pt * scale < MIN_TEXT_PT:
        raise InvalidInput(
            f"the drawing is {width:,.0f} x {height:,.0f} pt: shrunk onto one page it would be drawn at "
            f"{scale:.0%}, its smallest text {smallest_pt * scale:.1f} pt high (under {MIN_TEXT_PT:g} pt, too "
            "small to read). A PNG is one image: draw it over pages as a PDF (-o FILE.pdf --page A4), or as a "
            "PNG at full size (without --page)")
    return scale
