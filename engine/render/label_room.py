"""What a finished `dot` layout already covers, read from its `json0` output: the states' boxes, the labels and
titles `dot` placed, and the lines of the edges it routed, in a grid that says what lies near a rectangle.

Coordinates are Graphviz points with y pointing up, as `dot` writes them. A label's size is not in the layout
(Graphviz writes only its centre), so it is estimated from its text with the widths of DejaVu Sans, the widest
of the fonts `Helvetica,Arial,sans-serif` resolves to: a label is thought a little wider than drawn, never
narrower.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

__all__ = ["Rect", "Room", "Shape", "text_size"]

_INCH = 72.0
_CELL = 64.0
_LINE_CELL = 256.0  # lines run long: a coarser grid keeps the cells a long edge passes through few
_BREAK = re.compile(r"<BR\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_EM = {
    **dict.fromkeys(" .,:;'|!·ijlI()[]{}`\"", 0.37),
    **dict.fromkeys("frtJ-/\\", 0.42),
    **dict.fromkeys("mwMW@%", 0.94),
    **dict.fromkeys("=<>+~#&*^", 0.82),
    **dict.fromkeys("0123456789", 0.66),
    **dict.fromkeys("ABCDEFGHKLNOPQRSTUVXYZ", 0.72),
}
"""The advance of a character in em, as DejaVu Sans draws it or a little more (measured through Graphviz: lower
case 0.58 em on average, upper case 0.67, digits 0.66, `il.,:;|·()` 0.37); any other character 0.63, or the
upper case's 0.72 where it is a capital."""


def _em(ch: str) -> float:
    return _EM.get(ch) or (0.72 if ch.isupper() else 0.63)


def text_size(lines: tuple[str, ...] | list[str], size: float) -> tuple[float, float]:
    """Width and height of a label of these lines at `size` points (with a point of margin on each side)."""
    widest = max((sum(map(_em, line)) for line in lines), default=0.0)
    return widest * size + 2.0, len(lines) * size * 1.2 + 2.0


def _label_lines(label: str) -> list[str]:
    """The lines of a label as `dot` wrote it (HTML-like without its outer brackets, or plain text)."""
    if label in ("", "\\N", "\\E"):
        return []
    return [html.unescape(_TAG.sub("", part)) for part in _BREAK.split(label)]


@dataclass(frozen=True, slots=True)
class Rect:
    """An axis-aligned rectangle: left, bottom, right, top."""

    x0: float
    y0: float
    x1: float
    y1: float

    @staticmethod
    def around(cx: float, cy: float, width: float, height: float) -> Rect:
        return Rect(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)

    def overlap(self, other: Rect) -> float:
        """The area the two rectangles share (0 when they only touch or are apart)."""
        dx = min(self.x1, other.x1) - max(self.x0, other.x0)
        dy = min(self.y1, other.y1) - max(self.y0, other.y0)
        return dx * dy if dx > 0 and dy > 0 else 0.0

    def within(self, other: Rect) -> bool:
        return other.x0 <= self.x0 and other.y0 <= self.y0 and self.x1 <= other.x1 and self.y1 <= other.y1

    def meets_segment(self, a: tuple[float, float], b: tuple[float, float]) -> bool:
        """Whether the segment a-b passes through the rectangle (Liang-Barsky clipping)."""
        low, high = 0.0, 1.0
        dx, dy = b[0] - a[0], b[1] - a[1]
        for p, q in ((-dx, a[0] - self.x0), (dx, self.x1 - a[0]), (-dy, a[1] - self.y0), (dy, self.y1 - a[1])):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
        return True


@dataclass(frozen=True, slots=True)
class Shape:
    """A state's outline as `dot` placed it: centre, half width and half height, and its Graphviz shape."""

    x: float
    y: float
    half_width: float
    half_height: float
    shape: str

    def exit(self, ux: float, uy: float) -> tuple[float, float]:
        """Where a straight line from the centre in the unit direction (ux, uy) leaves the outline, as
        Graphviz clips a straight edge: a diamond, an ellipse and a hexagon by their own sides, the rest by
        their box."""
        a, b = max(self.half_width, 0.01), max(self.half_height, 0.01)
        ax, ay = abs(ux), abs(uy)
        if self.shape == "diamond":
            t = 1.0 / (ax / a + ay / b)
        elif self.shape in ("ellipse", "oval", "circle"):
            t = 1.0 / math.hypot(ux / a, uy / b)
        elif self.shape == "hexagon":
            t = min(b / ay if ay else math.inf, a / (ax + ay * a / (2 * b)))
        else:
            t = min(a / ax if ax else math.inf, b / ay if ay else math.inf)
        return self.x + t * ux, self.y + t * uy


def _route(pos: str) -> list[tuple[float, float]]:
    """An edge's control points (its arrow tip last), which hold its curve between them."""
    points: list[tuple[float, float]] = []
    tip: tuple[float, float] | None = None
    for token in pos.replace("\\\n", "").split(";", 1)[0].split():
        if token.startswith(("e,", "s,")):
            x, y = token[2:].split(",")
            if token[0] == "e":
                tip = (float(x), float(y))
            continue
        x, y = token.split(",")
        points.append((float(x), float(y)))
    return [*points, tip] if tip is not None else points


def _point(text: str) -> tuple[float, float]:
    x, y = text.split(",")[:2]
    return float(x), float(y)


def _cells_crossed(a: tuple[float, float], b: tuple[float, float]) -> Iterator[tuple[int, int]]:
    """The cells of the lines' grid the segment from `a` to `b` passes through: column by column, the rows
    between where it enters and leaves the column. (Every cell of its bounding box, on a finer grid, made the long
    diagonal edges of a 2,000-state flow fill 12 million cells: 90 s, where the whole drawing may take 30 s.)"""
    (ax, ay), (bx, by) = (a, b) if a[0] <= b[0] else (b, a)
    first, last = math.floor(ax / _LINE_CELL), math.floor(bx / _LINE_CELL)
    slope = (by - ay) / (bx - ax) if bx > ax else 0.0
    for i in range(first, last + 1):
        if first == last:
            y_in, y_out = ay, by
        else:
            x_in, x_out = max(ax, i * _LINE_CELL), min(bx, (i + 1) * _LINE_CELL)
            y_in, y_out = ay + slope * (x_in - ax), ay + slope * (x_out - ax)
        for j in range(math.floor(min(y_in, y_out) / _LINE_CELL), math.floor(max(y_in, y_out) / _LINE_CELL) + 1):
            yield i, j


class Room:
    """The layout's occupied places: `solid` ones (states, labels, titles) no label may cover, and `lines`
    (routed edges, cluster borders) a label should rather not lie across. Looked up through grids of `_CELL`-point
    squares (`_LINE_CELL` for lines), so a query reads only what lies near it."""

    def __init__(self, layout: dict[str, Any]) -> None:
        x0, y0, x1, y1 = (float(n) for n in str(layout.get("bb", "0,0,0,0")).split(","))
        self.bounds = Rect(x0, y0, x1, y1)
        self.shapes: dict[str, Shape] = {}
        self._solid: list[Rect] = []
        self._lines: list[tuple[tuple[float, float], tuple[float, float]]] = []
        self._solid_at: dict[tuple[int, int], list[int]] = {}
        self._lines_at: dict[tuple[int, int], list[int]] = {}
        self._title(layout)
        for item in layout.get("objects", []):
            if "bb" in item:
                self._cluster(item)
            elif "pos" in item:
                self._state(item)
        for edge in layout.get("edges", []):
            self._edge(edge)

    def _title(self, item: dict[str, Any]) -> None:
        if "lp" in item and "lwidth" in item:
            x, y = _point(item["lp"])
            self.add_solid(Rect.around(x, y, float(item["lwidth"]) * _INCH, float(item["lheight"]) * _INCH))

    def _cluster(self, item: dict[str, Any]) -> None:
        self._title(item)
        x0, y0, x1, y1 = (float(n) for n in str(item["bb"]).split(","))
        corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        for a, b in pairwise([*corners, corners[0]]):
            self._add_line(a, b)

    def _state(self, item: dict[str, Any]) -> None:
        x, y = _point(item["pos"])
        half_width, half_height = float(item["width"]) * _INCH / 2, float(item["height"]) * _INCH / 2
        self.shapes[str(item["name"])] = Shape(x, y, half_width, half_height, str(item.get("shape", "ellipse")))
        self.add_solid(Rect(x - half_width, y - half_height, x + half_width, y + half_height))

    def _edge(self, edge: dict[str, Any]) -> None:
        if "pos" in edge:
            route = _route(str(edge["pos"]))
            for a, b in pairwise(route):
                self._add_line(a, b)
        lines = _label_lines(str(edge.get("label", "")))
        if lines and "lp" in edge:
            x, y = _point(edge["lp"])
            self.add_solid(Rect.around(x, y, *text_size(lines, float(edge.get("fontsize", "14")))))

    @staticmethod
    def _cells(rect: Rect, size: float = _CELL) -> Iterator[tuple[int, int]]:
        for i in range(math.floor(rect.x0 / size), math.floor(rect.x1 / size) + 1):
            for j in range(math.floor(rect.y0 / size), math.floor(rect.y1 / size) + 1):
                yield i, j

    def add_solid(self, rect: Rect) -> None:
        self._solid.append(rect)
        for cell in self._cells(rect):
            self._solid_at.setdefault(cell, []).append(len(self._solid) - 1)

    def _add_line(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        self._lines.append((a, b))
        for cell in _cells_crossed(a, b):
            self._lines_at.setdefault(cell, []).append(len(self._lines) - 1)

    def covered(self, rect: Rect) -> float:
        """How much of `rect` solid things cover (overlaps added up)."""
        near = {n for cell in self._cells(rect) for n in self._solid_at.get(cell, ())}
        return sum(rect.overlap(self._solid[n]) for n in near)

    def crossings(self, rect: Rect) -> int:
        """How many line segments pass through `rect`."""
        near = {n for cell in self._cells(rect, _LINE_CELL) for n in self._lines_at.get(cell, ())}
        return sum(1 for n in near if rect.meets_segment(*self._lines[n]))
