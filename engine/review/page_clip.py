"""What one printed page of a diagram draws: the parts of the graph that reach into the page, and no more.

A page used to carry every node, edge and cluster whose bounding box touched it, whole. On a long flow the
edges drawn over the layout (`error → failed` from hundreds of tasks, see `engine.render.long_edges`) cross
nearly every page, so each page carried hundreds of edges with their arrowheads and labels: the SVG of all
pages grew with the square of the flow's size, and so did the time WeasyPrint takes to style and draw it (a
500-state review took minutes). Now a group reaching past the page keeps only the parts that reach into it,
and an edge that merely passes through (nothing left of it but its line) is drawn as one more stroke of a
single shared `<path>` per line style. What each page shows is unchanged: the rest lay outside it anyway.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from engine.review.svg_geometry import Area, extent, tag, union

__all__ = ["ClippedGraph", "GraphPiece"]

_TEXT_SLACK = 12.0  # text areas are estimates: a part counts as on the page if it comes this close to it


@dataclass(frozen=True, slots=True)
class GraphPiece:
    """A child of the graph group, with where it lies and where each of its own children lies (absolute)."""

    element: ET.Element
    box: Area | None
    parts: tuple[tuple[ET.Element, Area | None], ...]


@dataclass(frozen=True, slots=True)
class _PassingLines:
    """The shared `<path>` of one line style on a page, and the strokes gathered for it. Its "d" is written once
    the page is cut: appending each stroke to the attribute copied the whole string every time, quadratic in
    the lines passing through the page."""

    path: ET.Element
    strokes: list[str]


_Style = tuple[tuple[str, str], ...]


def _meets(a: Area, b: Area, slack: float = 0.0) -> bool:
    return not (a.x1 < b.x0 - slack or a.x0 > b.x1 + slack or a.y1 < b.y0 - slack or a.y0 > b.y1 + slack)


def _holds(outer: Area, inner: Area) -> bool:
    return outer.x0 <= inner.x0 and outer.y0 <= inner.y0 and inner.x1 <= outer.x1 and inner.y1 <= outer.y1


class ClippedGraph:
    """The graph group read once, then cut down for any number of page areas."""

    def __init__(self, graph: ET.Element, absolute: Callable[[Area], Area]) -> None:
        self.graph = graph
        self.pieces: list[GraphPiece] = []
        for child in graph:
            areas = extent(child) if tag(child) == "g" else []
            box = absolute(union(areas)) if areas else None
            parts = tuple((part, absolute(union(found)) if (found := extent(part)) else None) for part in child)
            self.pieces.append(GraphPiece(child, box, parts))

    def within(self, area: Area) -> ET.Element:
        """The graph group with what reaches into `area`: whole where it lies inside, cut down where it
        reaches past, lines only passing through gathered into one `<path>` per style."""
        kept = ET.Element(self.graph.tag, dict(self.graph.attrib))
        passing: dict[_Style, _PassingLines] = {}
        for piece in self.pieces:
            if piece.box is None or _holds(area, piece.box):
                kept.append(piece.element)
            elif _meets(piece.box, area):
                self._add_part_of(piece, area, kept, passing)
        for lines in passing.values():
            lines.path.set("d", " ".join(lines.strokes))
        return kept

    @staticmethod
    def _add_part_of(piece: GraphPiece, area: Area, kept: ET.Element, passing: dict[_Style, _PassingLines]) -> None:
        parts = [part for part, box in piece.parts if box is None or _meets(box, area, _TEXT_SLACK)]
        drawn = [part for part, box in piece.parts if box is not None and part in parts]
        if drawn and all(tag(p) == "path" for p in drawn) and (piece.element.get("class") or "").startswith("edge"):
            for path in drawn:
                style = tuple(sorted((k, v) for k, v in path.attrib.items() if k != "d"))
                if style not in passing:
                    shared = ET.SubElement(kept, path.tag, {**dict(style), "d": ""})  # "d" written by `within`
                    shared.set("class", "passing")
                    passing[style] = _PassingLines(shared, [])
                passing[style].strokes.append(path.get("d", ""))
            return
        if not drawn:
            return
        cut = ET.SubElement(kept, piece.element.tag, dict(piece.element.attrib))
        cut.extend(parts)
