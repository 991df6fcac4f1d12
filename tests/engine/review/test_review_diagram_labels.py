"""The labels of a printed diagram do not run into each other or into a state.

The paged drawing (the review pack's, and `render --page`'s) is the compact one: numbered labels (`T14 · error`)
and narrower gaps. Its labels used to collide: on a chain of tasks that each fail into one state, Graphviz put
the label of every detached `error` edge (`engine.render.long_edges`) a fixed 25 pt from its state, on top of the
next step's `T13 · done`; and `dot` packed the compact drawing's labels edge to edge, so two guards beside each
other ran together (`T22 · done T23 · error`, a point apart). Text is measured with the advances of the font
Graphviz and WeasyPrint both draw with (the one fontconfig gives for Helvetica), so what is checked is what is
printed."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from itertools import combinations
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from engine.definition import Workflow
from engine.render import render
from engine.review.diagram_section import draw
from engine.review.diagram_svg import DiagramSvg, read_svg
from engine.review.paging import plan_pages
from engine.review.svg_geometry import Area, extent, tag, union

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "definitions" / "workflows").glob("*.json"))
_SPACE = 3.0  # points: a space at the labels' 9 pt


@cache
def _advances() -> tuple[dict[int, int], float]:
    fc_match = shutil.which("fc-match")
    assert fc_match is not None, "fontconfig's fc-match is missing: run scripts/setup.sh"
    path = subprocess.run([fc_match, "-f", "%{file}", "Helvetica"], capture_output=True, text=True,
                          check=True).stdout
    font = TTFont(path)
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
    return widths, float(font["head"].unitsPerEm)


def _width(text: str, size: float) -> float:
    widths, em = _advances()
    fallback = widths.get(ord("M"), int(em))
    return sum(widths.get(ord(ch), fallback) for ch in text) / em * size


def _text_box(element: ET.Element) -> Area:
    size = float(element.get("font-size", "14"))
    x, y = float(element.get("x", "0")), float(element.get("y", "0"))
    width = _width(element.text or "", size)
    anchor = element.get("text-anchor", "start")
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return Area(left, y - size * 0.75, left + width, y + size * 0.22)


def _meet(a: Area, b: Area, gap: float = 0.0) -> bool:
    """Whether the two overlap, or stand side by side less than `gap` apart."""
    return a.x0 < b.x1 + gap and b.x0 < a.x1 + gap and a.y0 < b.y1 and b.y0 < a.y1


def _labels(svg: DiagramSvg) -> dict[str, list[Area]]:
    """Each edge's label lines, by the edge's id (`t3:extract`)."""
    found: dict[str, list[Area]] = {}
    for group in svg.groups("edge"):
        texts = [svg._absolute(_text_box(t)) for t in group.iter() if tag(t) == "text"]
        if texts:
            found[group.get("id") or ""] = texts
    return found


def _states(svg: DiagramSvg) -> dict[str, Area]:
    """Each state's outline (its shapes, not its text)."""
    boxes = {}
    for group in svg.groups("node"):
        shapes = [child for child in group if tag(child) in ("polygon", "path", "ellipse", "polyline")]
        areas = [area for shape in shapes for area in extent(shape)]
        if areas:
            boxes[group.get("id") or ""] = svg._absolute(union(areas))
    return boxes


def _collisions(svg: DiagramSvg) -> list[tuple[str, str]]:
    """Labels of two edges on one another or closer side by side than a space (`T26 · done T27 · error` reads
    as one label), and labels on a state."""
    labels, states = _labels(svg), _states(svg)
    found = [(a, b) for a, b in combinations(labels, 2)
             if any(_meet(x, y, _SPACE) for x in labels[a] for y in labels[b])]
    found += [(edge, state) for edge, lines in labels.items() for state, box in states.items()
              if any(_meet(line, box) for line in lines)]
    return found


def _step(n: int) -> str:
    return f"step_{n:02}_with_a_fairly_descriptive_name"


def _chain(steps: int, *, branchy: bool) -> Workflow:
    """`steps` tasks in a chain (with long titles), each with an `error` edge into one failure state; `branchy`:
    every fifth step a choice that may skip the next two."""
    states: dict[str, object] = {}
    transitions: list[dict[str, object]] = []
    for n in range(steps):
        sid = _step(n)
        following = _step(n + 1) if n + 1 < steps else "finished"
        if branchy and n % 5 == 4 and n + 3 < steps:
            states[sid] = {"type": "choice", "title": f"Route {n}?"}
            skip = _step(n + 3)
            transitions += [{"source": sid, "dest": skip, "guard": "true", "priority": 1},
                            {"source": sid, "dest": following}]
            continue
        states[sid] = {"type": "task", "action": "noop", "title": f"Step {n}: do the thing number {n} carefully"}
        transitions += [{"source": sid, "trigger": "done", "dest": following},
                        {"source": sid, "trigger": "error", "dest": "failed"}]
    states["finished"] = {"type": "final"}
    states["failed"] = {"type": "final", "outcome": "failure"}
    return Workflow.model_validate({"id": "chain", "title": "Chain", "initial": _step(0), "states": states,
                                    "transitions": transitions})


@pytest.mark.parametrize("branchy", [False, True], ids=["chain", "branchy"])
def test_the_labels_of_a_paged_drawing_of_a_long_flow_stay_apart(branchy: bool) -> None:
    flow = _chain(60, branchy=branchy)
    svg = draw(flow)
    assert len(plan_pages(svg, "A4")) > 1  # the premise: printed over pages
    detached = [g for g in svg.groups("edge") if "detached" in (g.get("class") or "")]
    assert len(detached) > 40  # the premise: most `error` edges are drawn over the layout
    assert _collisions(svg) == []


def test_the_labels_of_the_one_page_drawing_of_a_long_flow_stay_apart() -> None:
    assert _collisions(read_svg(render(_chain(60, branchy=True), "svg"))) == []


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_labels_of_each_shipped_flow_s_paged_drawing_stay_apart(path: Path) -> None:
    flow = Workflow.model_validate(json.loads(path.read_text(encoding="utf-8")))
    assert _collisions(draw(flow)) == []
