"""The printed pages of a long flow's diagram carry about as much SVG as the drawing itself, not a multiple
that grows with the flow. Each page used to take every node, edge and cluster whose box touched it, whole: the
edges drawn over the layout (`error → failed` from every task) cross nearly every page, so the pages of a
200-state flow held eight times the drawing's elements and a 500-state flow's seventeen times, and
WeasyPrint's time to style and draw them grew with the square of the flow (a 500-state review took minutes).
Nothing a page shows may be lost: every text, shape and line reaching into a page's area is still on that
page."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bench.bench_validation import generate
from engine.review.diagram_section import draw
from engine.review.diagram_svg import DiagramSvg
from engine.review.paging import plan_pages
from engine.review.svg_geometry import Area, extent, tag, union
from engine.validation.loader import require_workflow

SVG = "{http://www.w3.org/2000/svg}"


def _meets(a: Area, b: Area) -> bool:
    return not (a.x1 < b.x0 or a.x0 > b.x1 or a.y1 < b.y0 or a.y0 > b.y1)


def _drawn(svg: DiagramSvg) -> list[tuple[ET.Element, Area]]:
    """Every text and shape of the drawing with where it lies (absolute)."""
    found = []
    for element in svg.graph.iter():
        if tag(element) in ("text", "path", "polygon", "polyline", "ellipse") and (areas := extent(element)):
            found.append((element, svg._absolute(union(areas))))
    return found


def _signature(element: ET.Element) -> str:
    return (element.text or "") + "|" + "|".join(element.get(k, "") for k in ("x", "y", "points", "cx", "cy"))


def test_the_pages_of_a_long_flow_hold_about_the_drawing_once_and_lose_nothing() -> None:
    svg = draw(require_workflow(generate(200)))
    pages = plan_pages(svg, "A4")
    assert len(pages) > 10
    whole = sum(1 for _ in svg.graph.iter())
    windows = [(page.area, ET.fromstring(svg.window(page.area, page.scale))) for page in pages]
    on_pages = sum(sum(1 for _ in window.iter()) for _, window in windows)
    assert on_pages <= 2 * whole, f"{on_pages} elements on {len(pages)} pages for a drawing of {whole}"
    drawn = _drawn(svg)
    for area, window in windows:
        there = {_signature(e) for e in window.iter() if tag(e) != "path"}
        lines = " ".join(e.get("d", "") for e in window.iter(f"{SVG}path"))
        for element, box in drawn:
            if not _meets(area, box):
                continue
            if tag(element) == "path":
                assert element.get("d", "") in lines, f"a line reaching into {area} is missing from its page"
            else:
                assert _signature(element) in there, f"{element.text or tag(element)} is missing from {area}"
