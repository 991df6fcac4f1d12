"""The diagram as Graphviz drew it, read back: where each state and label sits, its smallest text, marks for
changes, and windows of it cut out for printed pages.

Graphviz's SVG keeps the DOT ids: a state's group has the state's id, a parallel state's cluster
`<id>:cluster`, the edge of transition 3 leaving `extract` `t3:extract` (see `engine.render.dot`); each edge's
`<title>` names its ends (`intake->classify`). Cut into pages, every id is written on one page only (its home:
where its label is, else its middle), so each is an anchor defined once in the document.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Container, Sequence
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
_ID = re.compile(r' id="([^"]*)"')
_STEP_KINDS = ("final_success", "final_failure")  # node classes that end the flow rather than lead on


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
        """Outline added states and transitions in green and changed ones in orange, each state with one badge
        (NEW, CHANGED, RENAMED from its old id) that still reads in black and white. A parallel or map state is
        its box: the bars where it forks and joins are not outlined again, nor badged a second time."""
        self._clipped = None
        for group in self.groups("node") + self.groups("cluster"):
            if "state" not in (group.get("class") or "").split():
                continue
            state = (group.get("id") or "").removesuffix(":cluster")
            if state in marks.renamed_states:
                self._outline(group, CHANGED, f"RENAMED from {marks.renamed_states[state]}")
            elif state in marks.added_states or state in marks.changed_states:
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

    def window(self, area: Area, scale: float, *, label: str = "", anchors: Container[str] | None = None) -> str:
        """The part of the diagram inside `area`, drawn `scale` times its size (in points), as SVG text.
        `anchors`: the ids this part keeps (None: all of them); the others are left out."""
        root = ET.Element(self.root.tag, {
            "width": f"{(area.x1 - area.x0) * scale:.2f}pt", "height": f"{(area.y1 - area.y0) * scale:.2f}pt",
            "viewBox": f"{area.x0:.2f} {area.y0:.2f} {area.x1 - area.x0:.2f} {area.y1 - area.y0:.2f}",
            "data-scale": f"{scale:.4f}", "role": "img", "aria-label": label or "workflow diagram",
        })
        root.append(self._within(area))
        # registered afresh each time: the registry is process-wide, and WeasyPrint names SVG's namespace 'svg'
        ET.register_namespace("", _SVG)
        ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
        drawn = ET.tostring(root, encoding="unicode")
        if anchors is None:
            return drawn
        return _ID.sub(lambda found: found.group(0) if html.unescape(found.group(1)) in anchors else "", drawn)

    def homes(self, areas: Sequence[Area]) -> list[set[str]]:
        """For pages cut out of the diagram (`areas`), the ids each one keeps: every id on one page only, the
        one its label (a transition's T-number, a state's title) is on, else its middle, else the nearest."""
        kept: list[set[str]] = [set() for _ in areas]
        if not areas:
            return kept
        for element in self.graph.iter():
            name = element.get("id")
            if not name:
                continue
            texts = [text_area(t) for t in element.iter(f"{{{_SVG}}}text")]
            found = texts[:1] or extent(element)
            if not found:
                kept[0].add(name)
                continue
            box = self._absolute(union(found))
            x, y = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
            kept[min(range(len(areas)), key=lambda n: _distance(areas[n], x, y))].add(name)
        return kept

    def move_title(self, area: Area) -> None:
        """Move the drawing's title (the texts of the graph itself, in the band Graphviz keeps for them above the
        drawing) sideways into `area` when it is not whole there: the first printed part shows it whole."""
        titles = self.graph.findall("svg:text", _NS)
        if not titles:
            return
        box = self._absolute(union([text_area(t) for t in titles]))
        if area.x0 <= box.x0 and box.x1 <= area.x1:
            return
        pad = _BADGE_PT
        left = max(area.x0 + pad, min(box.x0, area.x1 - pad - (box.x1 - box.x0)))
        self._clipped = None
        for title in titles:
            title.set("x", f"{float(title.get('x', '0')) + (left - box.x0) / self._scale:.2f}")

    def steps(self) -> list[tuple[Area, int]]:
        """Each state of the flow that leads on (not a final state) with where it is drawn and how many
        transitions from the start it is reached by at the fewest (a state the start does not reach: after
        all the others). A page holding an early step is read before one holding only later ones."""
        nodes = {(g.findtext("svg:title", "", _NS)): g for g in self.groups("node")}
        following: dict[str, list[str]] = {}
        for edge in self.groups("edge"):
            tail, arrow, head = edge.findtext("svg:title", "", _NS).partition("->")
            if arrow:
                following.setdefault(tail, []).append(head)
        reached = {name: 0 for name, g in nodes.items() if "start" in (g.get("class") or "").split()}
        queue = deque(reached)
        while queue:
            name = queue.popleft()
            for head in following.get(name, ()):
                if head not in reached:
                    reached[head] = reached[name] + 1
                    queue.append(head)
        found = []
        for name, group in nodes.items():
            kinds = (group.get("class") or "").split()
            if any(kind in kinds for kind in _STEP_KINDS) or not (areas := extent(group)):
                continue
            found.append((self._absolute(union(areas)), reached.get(name, len(nodes))))
        return found

    def _within(self, area: Area) -> ET.Element:
        """The graph group cut down to what reaches into `area` (a page then draws only its own part)."""
        if area == Area(0.0, 0.0, self.width, self.height):
            return self.graph
        if self._clipped is None:  # read once for all the pages (after any marks: they add badges)
            self._clipped = ClippedGraph(self.graph, self._absolute)
        return self._clipped.within(area)

    def whole(self, scale: float = 1.0, *, label: str = "") -> str:
        return self.window(Area(0.0, 0.0, self.width, self.height), scale, label=label)


def _distance(area: Area, x: float, y: float) -> float:
    """How far a point lies from an area (0 inside it)."""
    return max(area.x0 - x, 0.0, x - area.x1) + max(area.y0 - y, 0.0, y - area.y1)


def read_svg(data: bytes) -> DiagramSvg:
    root = ET.fromstring(data)  # noqa: S314 - our own Graphviz output, not user-supplied XML
    return DiagramSvg(root)
