"""The diagram as Graphviz drew it, read back: where each state and label sits, its smallest text, marks for
changes, and windows of it cut out for printed pages.

Graphviz's SVG keeps the DOT ids: a state's group has the state's id, a parallel state's cluster
`<id>:cluster`, the edge of transition 3 leaving `extract` `t3:extract` (see `engine.render.dot`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import pairwise

from engine.review.changes import ChangeMarks
from engine.review.page_clip import ClippedGraph
from engine.review.svg_geometry import Area, extent, point_pairs, tag, text_area, union

__all__ = ["ADDED", "CHANGED", "Area", "DiagramSvg", "read_svg"]

ADDED = "#2e7d32"
CHANGED = "#e65100"
_SVG = "http://www.w3.org/2000/svg"
_NS = {"svg": _SVG}
_SHAPES = ("path", "polygon", "ellipse", "polyline")
_BADGE_PT = 10.0


class DiagramSvg:
    """One Graphviz SVG, parsed. Areas are in viewBox units, the graph's transform applied."""

    def __init__(self, root: ET.Element) -> None:
        self.root = root
        box = [float(n) for n in (root.get("viewBox") or "0 0 0 0").split()]
        self.width, self.height = box[2], box[3]
        graph = root.find("svg:g", _NS)
        if graph is None:
            raise ValueError("the SVG has no graph group")
        self.graph = graph
        transform = graph.get("transform", "")
        scale = re.search(r"scale\(([-\d.]+)", transform)
        shift = re.search(r"translate\(([-\d.]+)[ ,]+([-\d.]+)\)", transform)
        self._scale = float(scale.group(1)) if scale else 1.0
        self._shift = (float(shift.group(1)), float(shift.group(2))) if shift else (0.0, 0.0)
        self._clipped: ClippedGraph | None = None

    def _absolute(self, area: Area) -> Area:
        s, (tx, ty) = self._scale, self._shift
        return Area(s * (area.x0 + tx), s * (area.y0 + ty), s * (area.x1 + tx), s * (area.y1 + ty))

    def groups(self, kind: str) -> list[ET.Element]:
        """The `<g>` elements whose class starts with `kind` (node, edge, cluster)."""
        return [g for g in self.graph.iter(f"{{{_SVG}}}g") if (g.get("class") or "").split(" ")[0] == kind]

    def obstacles(self, *, states_only: bool = False, title: bool = True) -> list[Area]:
        """What a page edge should not cut: every node, and (unless `states_only`) every text: edge labels,
        cluster titles, and (unless not `title`) the drawing's own title."""
        found: list[Area] = []
        for node in self.groups("node"):
            areas = extent(node)
            if areas:
                found.append(self._absolute(union(areas)))
        if states_only:
            return found
        for group in (*self.groups("edge"), *self.groups("cluster")):
            found.extend(self._absolute(a) for a in extent(group, texts_only=True))
        if title:
            found.extend(self._absolute(text_area(t)) for t in self.graph.findall("svg:text", _NS))
        return found

    def line_legs(self) -> list[Area]:
        """The legs of every transition's line (from one point of its path to the next, control points included:
        a curve lies within them), each as the area it spans — where a line runs, for a page that should show
        the lines crossing it, not only the states and labels."""
        legs: list[Area] = []
        for group in self.groups("edge"):
            for path in group.iter(f"{{{_SVG}}}path"):
                points = point_pairs(path.get("d") or "")
                legs.extend(self._absolute(Area(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])))
                            for a, b in pairwise(points))
        return legs

    def smallest_font(self) -> float:
        sizes = [float(t.get("font-size", "14")) for t in self.root.iter(f"{{{_SVG}}}text")]
        return min(sizes) if sizes else 14.0

    def mark(self, marks: ChangeMarks) -> None:
        """Outline added states and transitions in green and changed ones in orange, each state with a badge
        (NEW, CHANGED) that still reads in black and white."""
        self._clipped = None
        for group in self.groups("node") + self.groups("cluster"):
            state = (group.get("id") or "").removesuffix(":cluster")
            if state in marks.added_states or state in marks.changed_states:
                added = state in marks.added_states
                self._outline(group, ADDED if added else CHANGED, "NEW" if added else "CHANGED")
        for group in self.groups("edge"):
            head = (group.get("id") or "").split(":", 1)[0]
            if not re.fullmatch(r"t\d+", head):
                continue
            index = int(head[1:])
            if index in marks.added_transitions or index in marks.changed_transitions:
                colour = ADDED if index in marks.added_transitions else CHANGED
                self._outline(group, colour, None)

    def _outline(self, group: ET.Element, colour: str, badge: str | None) -> None:
        edge = (group.get("class") or "").startswith("edge")
        for child in group:
            kind = tag(child)
            if kind in _SHAPES and child.get("stroke") not in (None, "none", "transparent"):
                child.set("stroke", colour)
                child.set("stroke-width", "2.5")
                if edge and kind == "polygon":
                    child.set("fill", colour)
            elif kind == "text" and edge:
                child.set("fill", colour)
                child.set("font-weight", "bold")
        areas = extent(group)
        if badge and areas:
            box = union(areas)
            text = ET.SubElement(group, f"{{{_SVG}}}text", {
                "x": f"{box.x1:.2f}", "y": f"{box.y0 - 3:.2f}", "text-anchor": "end", "font-size": f"{_BADGE_PT:.2f}",
                "font-weight": "bold", "font-family": "Helvetica,sans-Serif", "fill": colour, "class": "change-badge",
            })
            text.text = badge

    def window(self, area: Area, scale: float, *, label: str = "") -> str:
        """The part of the diagram inside `area`, drawn `scale` times its size (in points), as SVG text."""
        root = ET.Element(self.root.tag, {
            "width": f"{(area.x1 - area.x0) * scale:.2f}pt", "height": f"{(area.y1 - area.y0) * scale:.2f}pt",
            "viewBox": f"{area.x0:.2f} {area.y0:.2f} {area.x1 - area.x0:.2f} {area.y1 - area.y0:.2f}",
            "data-scale": f"{scale:.4f}", "role": "img", "aria-label": label or "workflow diagram",
        })
        root.append(self._within(area))
        # registered afresh each time: the registry is process-wide, and WeasyPrint names SVG's namespace 'svg'
        ET.register_namespace("", _SVG)
        ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
        return ET.tostring(root, encoding="unicode")

    def _within(self, area: Area) -> ET.Element:
        """The graph group cut down to what reaches into `area` (a page then draws only its own part)."""
        if area == Area(0.0, 0.0, self.width, self.height):
            return self.graph
        if self._clipped is None:  # read once for all the pages (after any marks: they add badges)
            self._clipped = ClippedGraph(self.graph, self._absolute)
        return self._clipped.within(area)

    def whole(self, scale: float = 1.0, *, label: str = "") -> str:
        return self.window(Area(0.0, 0.0, self.width, self.height), scale, label=label)


def read_svg(data: bytes) -> DiagramSvg:
    root = ET.fromstring(data)  # noqa: S314 - our own Graphviz output, not user-supplied XML
    return DiagramSvg(root)
