"""Auto-layout for the designer, from the very `dot` run that draws the exported diagrams.

`dot -Tjson0` lays out the DOT of `dot_source(...).layout_text`, so the canvas and an exported SVG put
every state in the same place. Coordinates are Graphviz points (the SVG's user units), turned to the
canvas convention: origin top-left, y pointing down, each box given by its top-left corner.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, NamedTuple

from engine.collector_pause import collector_paused
from engine.definition import Position, Workflow
from engine.render.dot import DotOptions, dot_source
from engine.render.graphviz_program import DEFAULT_TIMEOUT_S, RenderError, run_graphviz
from engine.render.scopes import all_states, is_box

__all__ = ["Box", "GraphLayout", "Point", "compute_layout", "layout_graph"]

_POINTS_PER_INCH = 72.0


class Point(NamedTuple):
    """A point of an edge route, in the same units and orientation as the boxes."""

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Box:
    """A state's rectangle: top-left corner and size, in points."""

    x: float
    y: float
    width: float
    height: float

    @property
    def position(self) -> Position:
        return Position(x=self.x, y=self.y)


@dataclass(frozen=True, slots=True)
class GraphLayout:
    """Where `dot` put everything. `boxes` has every state by qualified id (a parallel state's box holds
    its branches); `edges` maps each routed edge id (see `dot.edge_id`) to its Bézier control points
    (1 + 3n of them) followed by the arrow tip. Detached edges are not routed, so they are absent.
    """

    width: float
    height: float
    boxes: dict[str, Box]
    edges: dict[str, tuple[Point, ...]]


def _floats(text: str) -> list[float]:
    return [float(part) for part in text.split(",")]


class _Flip:
    """Graphviz's y axis points up from the bottom; the canvas's points down from the top."""

    def __init__(self, height: float) -> None:
        self.height = height

    def point(self, x: float, y: float) -> Point:
        return Point(round(x, 2), round(self.height - y, 2))

    def centred(self, x: float, y: float, width: float, height: float) -> Box:
        return Box(round(x - width / 2, 2), round(self.height - y - height / 2, 2), round(width, 2), round(height, 2))

    def corners(self, bb: str) -> Box:
        x0, y0, x1, y1 = _floats(bb)
        return Box(round(x0, 2), round(self.height - y1, 2), round(x1 - x0, 2), round(y1 - y0, 2))

    def route(self, pos: str) -> tuple[Point, ...]:
        """`e,x,y` is the arrow tip, `s,x,y` a start arrow (not drawn); the rest are `x,y` control points.
        Written out rather than through `point`: a large flow has tens of thousands of them."""
        height = self.height
        points: list[Point] = []
        tip: Point | None = None
        for token in pos.split(";", maxsplit=1)[0].split():
            if token.startswith(("e,", "s,")):
                if token[0] == "e":
                    x, y = token[2:].split(",")
                    tip = Point(round(float(x), 2), round(height - float(y), 2))
                continue
            x, y = token.split(",")
            points.append(Point(round(float(x), 2), round(height - float(y), 2)))
        return (*points, tip) if tip is not None else tuple(points)


def _parse(data: dict[str, Any], workflow: Workflow) -> GraphLayout:
    _, _, width, height = _floats(data["bb"])
    flip = _Flip(height)
    nodes: dict[str, Box] = {}
    clusters: dict[str, Box] = {}
    for item in data.get("objects", []):
        name = str(item.get("name", ""))
        if "nodes" in item or "subgraphs" in item or "edges" in item:
            if name.startswith("cluster_") and "bb" in item:
                clusters[name.removeprefix("cluster_")] = flip.corners(item["bb"])
        elif "pos" in item:
            x, y = _floats(item["pos"])
            w, h = float(item["width"]) * _POINTS_PER_INCH, float(item["height"]) * _POINTS_PER_INCH
            nodes[name] = flip.centred(x, y, w, h)
    boxes: dict[str, Box] = {}
    for qid, state in all_states(workflow).items():
        found = clusters.get(qid) if is_box(state) else nodes.get(qid)
        if found is None:
            raise RenderError(f"Graphviz returned no position for state '{qid}'")
        boxes[qid] = found
    edges = {str(e["id"]): flip.route(e["pos"]) for e in data.get("edges", []) if "id" in e and "pos" in e}
    return GraphLayout(round(width, 2), round(height, 2), boxes, edges)


def layout_graph(workflow: Workflow, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> GraphLayout:
    """Lay the workflow out with `dot`: boxes for every state, branch states included, and edge routes."""
    with collector_paused():
        source = dot_source(workflow, options=DotOptions(geometry_only=True))
        raw = run_graphviz(source.layout_text, "json0", timeout_s=timeout_s)
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise RenderError(f"Graphviz returned a layout that is not JSON: {exc}") from exc
        return _parse(data, workflow)


def compute_layout(workflow: Workflow, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> dict[str, Position]:
    """The top-left corner of every state's box, by qualified id (`enrich/crm/lookup` in a branch)."""
    return {qid: box.position for qid, box in layout_graph(workflow, timeout_s=timeout_s).boxes.items()}
