"""Where the parts of a Graphviz SVG lie: rectangles read from shapes, and from text (estimated)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

__all__ = ["Area", "extent", "point_pairs", "tag", "text_area", "union"]

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


@dataclass(frozen=True, slots=True)
class Area:
    """A rectangle in the SVG's viewBox units (points at scale 1): left, top, right, bottom."""

    x0: float
    y0: float
    x1: float
    y1: float


def tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def point_pairs(text: str) -> list[tuple[float, float]]:
    """The (x, y) pairs a polygon's `points` or a path's `d` lists, in order."""
    numbers = [float(n) for n in _NUMBER.findall(text)]
    return list(zip(numbers[0::2], numbers[1::2], strict=False))


def text_area(element: ET.Element) -> Area:
    """Where a text line sits, estimated from its anchor, size and length (glyphs average ~0.55 em)."""
    size = float(element.get("font-size", "14"))
    x, y = float(element.get("x", "0")), float(element.get("y", "0"))
    width = len(element.text or "") * size * 0.55
    anchor = element.get("text-anchor", "start")
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return Area(left, y - size * 0.8, left + width, y + size * 0.25)


def extent(element: ET.Element, *, texts_only: bool = False) -> list[Area]:
    areas: list[Area] = []
    for child in element.iter():
        kind = tag(child)
        if kind == "text":
            areas.append(text_area(child))
        elif texts_only:
            continue
        elif kind in ("polygon", "polyline") or kind == "path":
            points = point_pairs(child.get("points") or child.get("d") or "")
            if points:
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                areas.append(Area(min(xs), min(ys), max(xs), max(ys)))
        elif kind == "ellipse":
            cx, cy = float(child.get("cx", "0")), float(child.get("cy", "0"))
            rx, ry = float(child.get("rx", "0")), float(child.get("ry", "0"))
            areas.append(Area(cx - rx, cy - ry, cx + rx, cy + ry))
    return areas


def union(areas: list[Area]) -> Area:
    return Area(min(a.x0 for a in areas), min(a.y0 for a in areas), max(a.x1 for a in areas), max(a.y1 for a in areas))
