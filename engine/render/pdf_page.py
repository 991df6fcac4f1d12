"""A PDF drawing that PDF viewers can open: no page side over 14,400 pt (200 inches).

PDF caps a page's sides at 14,400 pt (Acrobat refuses a larger page, other viewers clip it), and Graphviz draws
a flow of a few hundred states taller than that at full size. A PDF drawn without a page size (`render
--format pdf` without `--page`, the designer's PDF download) that would pass the cap is drawn again with
Graphviz's `size` attribute, which scales the whole drawing down, proportions kept, to fit. The result says
by how much, so the caller can tell the user (and point to the paged PDF, whose text stays legible).

The scaled drawing is a second Graphviz run (over the layout already made, see `output.render_pdf`), not
the first PDF scaled: that would mean rewriting the PDF's page objects and compressed content streams, whose
layout is cairo's to choose; and the page size cannot be told from the layout beforehand (Graphviz
adds its `pad` and a margin, unscaled, around a bounding box that `neato -n2` computes anew).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from engine.render.graphviz_program import RenderError

__all__ = ["PDF_PAGE_LIMIT_PT", "FittedPdf", "fit_pdf", "page_sizes"]

PDF_PAGE_LIMIT_PT = 14_400.0
_FIT_INCHES = (199.0, 199.0)  # under the 200 in: Graphviz adds its `pad` around the drawing it scaled
_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")


@dataclass(frozen=True, slots=True)
class FittedPdf:
    """The PDF, the size its page would have had at full size (points), and the scale it was drawn at."""

    data: bytes
    full_size: tuple[float, float]
    scale: float = 1.0

    @property
    def shrunk(self) -> bool:
        return self.scale < 1.0


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height of each page box in the PDF, in points (from its `/MediaBox` entries)."""
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in _MEDIA_BOX.findall(pdf)]


def _largest_side(pdf: bytes) -> tuple[float, float]:
    sizes = page_sizes(pdf)
    if not sizes:
        raise RenderError("Graphviz wrote a PDF without a page size")
    return max(sizes, key=max)


def fit_pdf(draw: Callable[[tuple[float, float] | None], bytes]) -> FittedPdf:
    """`draw(None)`, or, where its page would pass the limit, `draw(fit)` with `fit` the largest size (inches)
    that stays within it."""
    data = draw(None)
    full = _largest_side(data)
    if max(full) <= PDF_PAGE_LIMIT_PT:
        return FittedPdf(data, full)
    fitted = draw(_FIT_INCHES)
    size = _largest_side(fitted)
    if max(size) > PDF_PAGE_LIMIT_PT:
        raise RenderError(f"the drawing is {full[0]:,.0f} x {full[1]:,.0f} pt and Graphviz did not scale it "
                          f"within PDF's {PDF_PAGE_LIMIT_PT:,.0f} pt page limit; draw it over pages (--page A4)")
    return FittedPdf(fitted, full, max(size) / max(full))
