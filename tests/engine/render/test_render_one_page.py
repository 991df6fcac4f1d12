"""A PNG for one printed page (`render --page A4` with a PNG) keeps its text legible on that page: a flow that
fits is shrunk and drawn at 150 dpi; one that would need its text shrunk under 7 pt is refused, pointing to the
PDF over pages. It used to be shrunk whatever it took: 60 states came out 72 x 925 pixels, no word readable."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from render_support import chain, svg_root

from engine.definition import Workflow
from engine.errors import InvalidInput
from engine.render import DotOptions, render
from engine.render.one_page import MIN_TEXT_PT, PAGE_DPI
from engine.review.paging import frame_of
from engine.validation.loader import require_workflow

ROOT = Path(__file__).resolve().parents[3]
A4 = tuple(side / 72 for side in frame_of("A4", "portrait"))  # inches, as `render --page A4` asks


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _svg_size_pt(workflow: Workflow) -> tuple[float, float]:
    root = svg_root(render(workflow, "svg"))
    return float(root.get("width", "0").removesuffix("pt")), float(root.get("height", "0").removesuffix("pt"))


def test_a_flow_too_long_for_a_legible_page_is_refused_with_the_way_to_print_it() -> None:
    with pytest.raises(InvalidInput) as caught:
        render(chain(60), "png", options=DotOptions(direction="TB", fit_inches=A4))
    said = caught.value.detail
    assert "too small to read" in said
    assert "--page A4" in said  # as a PDF over pages
    assert "without --page" in said  # or a PNG at full size


def test_a_flow_that_fits_is_shrunk_onto_the_page_with_its_text_still_legible() -> None:
    flow = require_workflow(ROOT / "definitions" / "workflows" / "support_ticket_triage.json")
    _, height_pt = _svg_size_pt(flow)
    width_px, height_px = _png_size(render(flow, "png", options=DotOptions(fit_inches=A4)))
    pad = 2 * 0.2 * PAGE_DPI  # Graphviz's pad, unscaled
    assert width_px <= A4[0] * PAGE_DPI + pad + 2  # on the page
    assert height_px <= A4[1] * PAGE_DPI + pad + 2
    scale = (height_px - pad) / PAGE_DPI * 72 / (height_pt - 2 * 0.2 * 72)
    assert scale < 1  # the premise: it had to shrink
    assert 9 * scale >= MIN_TEXT_PT - 0.3  # its 9 pt labels print at 7 pt or more


def test_a_small_flow_is_drawn_full_size_at_the_page_resolution() -> None:
    flow = chain(3)
    width_pt, _ = _svg_size_pt(flow)
    width_px, _ = _png_size(render(flow, "png", options=DotOptions(fit_inches=A4)))
    assert width_px == pytest.approx(width_pt / 72 * PAGE_DPI, rel=0.05)  # never enlarged, never shrunk
