"""The diagram as Graphviz drew it, read back: where each state and label sits, its smallest text, marks for
changes, and windows of it cut out for printed pages.

Graphviz's SVG keeps the DOT ids: a state's group has the state's id, a parallel state's cluster
`<id>:cluster`, the edge of transition 3 leaving `extract` `t3:extract` (see `engine.render.dot`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from engine.review.changes import ChangeMarks

__all__ = ["ADDED", "CHANGED", "Area", "DiagramSvg", "read_svg"]

ADDED = "#2e7d32"
CHANGED = "#e65100"
_SVG = "http://www.w3.org/2000/svg"
_NS = {"svg": _SVG}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_SHAPES = ("path", "polygon", "ellipse", "polyline")
_BADGE_PT = 10.0


@dataclass(frozen=True, slots=True)
class Area:
    """A rectangle in the SVG's viewBox units (points at scale 1): left, top, right, bottom."""

    x0: float
    y0: float
    x1: float
    y1: float


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _pairs(text: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in _NUMBER.findall(text)]
    return list(zip(numbers[0::2], numbers[1::2], strict=False))


def _text_area(element: ET.Element) -> Area:
    """Where a text line sits, estimated from its anchor, size and length (glyphs average ~0.55 em)."""
    size = float(element.get("font-size", "14"))
    x, y = float(element.get("x", "0")), float(element.get("y", "0"))
    width = len(element.text or "") * size * 0.55
    anchor = element.get("text-anchor", "start")
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return Area(left, y - size * 0.8, left + width, y + size * 0.25)


def _extent(element: ET.Element, *, texts_only: bool = False) -> list[Area]:
    areas: list[Area] = []
    for child in element.iter():
        kind = _tag(child)
        if kind == "text":
            areas.append(_text_area(child))
        elif texts_only:
            continue
        elif kind in ("polygon", "polyline") or kind == "path":
            points = _pairs(child.get("points") or child.get("d") or "")
            if points:
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                areas.append(Area(min(xs), min(ys), max(xs), max(ys)))
        elif kind == "ellipse":
            cx, cy = float(child.get("cx", "0")), float(child.get("cy", "0"))
            rx, ry = float(child.get("rx", "0")), float(child.get("ry", "0"))
            areas.append(Area(cx - rx, cy - ry, cx + rx, cy + ry))
    return areas


def _union(areas: list[Area]) -> Area:
    return Area(min(a.x0 for a in areas), min(a.y0 for a in areas), max(a.x1 for a in areas), max(a.y1 for a in areas))


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

    def _absolute(self, area: Area) -> Area:
        s, (tx, ty) = self._scale, self._shift
        return Area(s * (area.x0 + tx), s * (area.y0 + ty), s * (area.x1 + tx), s * (area.y1 + ty))

    def groups(self, kind: str) -> list[ET.Element]:
        """The `<g>` elements whose class starts with `kind` (node, edge, cluster)."""
        return [g for g in self.graph.iter(f"{{{_SVG}}}g") if (g.get("class") or "").split(" ")[0] == kind]

    def obstacles(self, *, states_only: bool = False) -> list[Area]:
        """What a page edge should not cut: every node, and (unless `states_only`) every text: edge labels,
        cluster titles."""
        found: list[Area] = []
        for node in self.groups("node"):
            areas = _extent(node)
            if areas:
                found.append(self._absolute(_union(areas)))
        if states_only:
            return found
        for group in (*self.groups("edge"), *self.groups("cluster")):
            found.extend(self._absolute(a) for a in _extent(group, texts_only=True))
        found.extend(self._absolute(_text_area(t)) for t in self.graph.findall("svg:text", _NS))
        return found

    def smallest_font(self) -> float:
        sizes = [float(t.get("font-size", "14")) for t in self.root.iter(f"{{{_SVG}}}text")]
        return min(sizes) if sizes else 14.0

    def mark(self, marks: ChangeMarks) -> None:
        """Outline added states and transitions in green and changed ones in orange, each state with a badge
        (NEW, CHANGED) that still reads in black and white."""
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
            kind = _tag(child)
            if kind in _SHAPES and child.get("stroke") not in (None, "none", "transparent"):
                child.set("stroke", colour)
                child.set("stroke-width", "2.5")
                if edge and kind == "polygon":
                    child.set("fill", colour)
            elif kind == "text" and edge:
                child.set("fill", colour)
                child.set("font-weight", "bold")
        areas = _extent(group)
        if badge and areas:
            box = _union(areas)
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
        """The graph group without the nodes, edges and clusters that lie wholly outside `area` (a page
        then draws only its own part)."""
        if area == Area(0.0, 0.0, self.width, self.height):
            return self.graph
        kept = ET.Element(self.graph.tag, dict(self.graph.attrib))
        for child in self.graph:
            areas = _extent(child) if _tag(child) == "g" else []
            if areas:
                box = self._absolute(_union(areas))
                if box.x1 < area.x0 or box.x0 > area.x1 or box.y1 < area.y0 or box.y0 > area.y1:
                    continue
            kept.append(child)
        return kept

    def whole(self, scale: float = 1.0, *, label: str = "") -> str:
        return self.window(Area(0.0, 0.0, self.width, self.height), scale, label=label)


def read_svg(data: bytes) -> DiagramSvg:
    root = ET.fromstring(data)  # noqa: S314 - our own Graphviz output, not user-supplied XML
    return DiagramSvg(root)
