"""The printed diagram of a large flow: as few parts as legible text allows, used to their height, read from the
start, the drawing's title whole, and every anchor defined once.

An outside tester's 38-state incident-response flow (three parallel branches, a map, two quorum approvals, event
waits, a subflow) printed as 9 landscape parts in a 3x3 grid: part 1 held one choice and three dangling lines,
the drawing's title was cut at the left ("ponse (Sev1-Sev3)"), the start state was in part 3, and every part
used the top ~60% of its page. WeasyPrint also logged "Anchor defined twice" for each id of the drawing that
reached into two parts (`t13:escalate_manager`: a T-number's line), and for the drawing itself on every part.
"""

from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engine.definition import Workflow
from engine.review import ReviewSource, review_html
from engine.review.diagram_section import diagram_pages, draw, legend
from engine.review.paging import CHROME_PT, frame_of, plan_pages
from engine.review.svg_geometry import Area, text_area, union

weasyprint = pytest.importorskip("weasyprint")

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
SVG = "{http://www.w3.org/2000/svg}"
_NS = {"svg": SVG[1:-1]}


def incident(version: int) -> Workflow:
    return Workflow.model_validate(json.loads((HERE / f"incident_response_v{version}.json").read_text("utf-8")))


def _inside(outer: Area, inner: Area) -> bool:
    return outer.x0 <= inner.x0 and inner.x1 <= outer.x1 and outer.y0 <= inner.y0 and inner.y1 <= outer.y1


def test_the_incident_flow_prints_on_fewer_fuller_parts_and_part_1_holds_its_start() -> None:
    svg = draw(incident(1))
    pages = plan_pages(svg, "A4")
    assert len(pages) <= 8  # 9 before, in a 3x3 grid
    frame_height = frame_of("A4", pages[0].orientation)[1]
    used = [(p.area.y1 - p.area.y0) * p.scale / frame_height for p in pages]
    assert sum(used) / len(used) >= 0.8, used  # ~0.6 of the page's height before
    first = pages[0].area
    nodes = {g.get("id"): svg._absolute(union([text_area(t) for t in g.iter(f"{SVG}text")] or [first]))
             for g in svg.groups("node")}
    assert _inside(first, nodes["intake"]), "part 1 does not hold the state the flow starts in"


def _svgs(sections: list[str]) -> list[ET.Element]:
    return [ET.fromstring(re.search(r"<svg.*</svg>", s, flags=re.S).group(0)) for s in sections]  # type: ignore[union-attr]


def _view(svg: ET.Element) -> Area:
    x, y, w, h = (float(n) for n in (svg.get("viewBox") or "").split())
    return Area(x, y, x + w, y + h)


def test_part_1_shows_the_drawing_s_title_whole() -> None:
    svg = draw(incident(1))
    sections = diagram_pages(svg, legend(None), "A4", "Incident response")
    first = _svgs(sections)[0]
    graph = first.find("svg:g", _NS)
    assert graph is not None
    titles = graph.findall("svg:text", _NS)
    assert [t.text for t in titles][:1] == ["Incident response (Sev1-Sev3)"]
    box = union([text_area(t) for t in titles])
    transform = graph.get("transform", "")
    scale = float(re.search(r"scale\(([-\d.]+)", transform).group(1))  # type: ignore[union-attr]
    tx, ty = (float(n) for n in re.search(r"translate\(([-\d.]+)[ ,]+([-\d.]+)\)", transform).groups())  # type: ignore[union-attr]
    drawn = Area(scale * (box.x0 + tx), scale * (box.y0 + ty), scale * (box.x1 + tx), scale * (box.y1 + ty))
    assert _inside(_view(first), drawn), f"the title at {drawn} is cut by part 1, {_view(first)}"


def test_each_part_says_where_the_diagram_goes_on_by_the_parts_numbers() -> None:
    sections = diagram_pages(draw(incident(1)), legend(None), "A4", "Incident response")
    said = [re.search(r'<p class="continues">(.*?)</p>', s).group(1) for s in sections]  # type: ignore[union-attr]
    assert all(said), said
    for number, words in enumerate(said, start=1):
        named = [int(n) for n in re.findall(r"\d+", words)]
        assert named, words
        assert number not in named, words
        assert all(1 <= n <= len(said) for n in named), words


def test_a_flow_that_fits_one_page_legibly_is_printed_on_one() -> None:
    """The shipped triage flow (10 states) fits a portrait page at 85%, its smallest text still over 7 pt: it was
    cut in two at 96%."""
    flow = Workflow.model_validate(json.loads((ROOT / "definitions/workflows/support_ticket_triage.json").read_text()))
    pages = plan_pages(draw(flow), "A4")
    assert len(pages) == 1


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _part_of_diagram(box: Any) -> bool:
    element = getattr(box, "element", None)
    return element is not None and "diagram-page" in (element.get("class") or "")


def _renamed_only() -> Workflow:
    """Version 2 of the tester's flow with nothing but `wait_ack` renamed: a portrait diagram keyed with NEW,
    CHANGED and RENAMED beneath, the most the legend holds."""
    text = json.dumps(incident(1).model_dump(mode="json", by_alias=True, exclude_none=True))
    return Workflow.model_validate({**json.loads(text.replace('"wait_ack"', '"await_ack"')), "version": 2})


@pytest.mark.parametrize(("version", "previous"), [(1, None), (2, 1), ("renamed", 1)], ids=["v1", "v2", "renamed"])
def test_every_part_is_one_printed_page_and_every_anchor_is_defined_once(
    version: int | str, previous: int | None, caplog: pytest.LogCaptureFixture
) -> None:
    flow = _renamed_only() if version == "renamed" else incident(int(version))
    pack = ReviewSource(workflow=flow, previous=incident(previous) if previous else None,
                        generated_at=datetime(2026, 1, 5, tzinfo=UTC))
    document = review_html(pack, paged=True)
    ids = Counter(re.findall(r'\sid="([^"]*)"', document))
    assert [name for name, n in ids.items() if n > 1] == []
    parts = document.count('class="diagram-page ')
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        rendered = weasyprint.HTML(string=document).render()
    assert not [r.getMessage() for r in caplog.records if "Anchor defined twice" in r.getMessage()]
    holding = [n for n, page in enumerate(rendered.pages) if any(_part_of_diagram(b) for b in _boxes(page._page_box))]
    assert len(holding) == parts, "a part's legend ran onto a page of its own"
    for n in holding:  # what the plan keeps free for the heading, the line saying where it goes on, the legend
        [section] = [b for b in _boxes(rendered.pages[n]._page_box) if type(b).__name__ == "BlockBox"
                     and _part_of_diagram(b)]
        [drawing] = [b for b in _boxes(section) if type(b).__name__.endswith("ReplacedBox")]
        assert (section.height - drawing.height) * 0.75 <= CHROME_PT  # CSS px to points


def test_a_transition_s_anchor_is_on_the_part_showing_its_number() -> None:
    sections = diagram_pages(draw(incident(1)), legend(None), "A4", "Incident response")
    anchored = 0
    for part in _svgs(sections):
        for group in part.iter(f"{SVG}g"):
            if re.fullmatch(r"t\d+:\w+", group.get("id", "")):
                anchored += 1
                assert group.find("svg:text", _NS) is not None, f"{group.get('id')} is anchored away from its label"
    assert anchored == len(incident(1).transitions)
