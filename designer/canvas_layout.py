"""Graphviz `dot` as the designer canvas's layout for big flows: the browser's ELK takes over a second for a
300-state flow, `dot` a fraction of that.

The browser sends the graph it draws — each node's id and on-screen size, each edge's id and ends — and
gets back each node's top-left corner and each edge's route, in canvas pixels (one Graphviz point per
pixel). Nodes keep their exact size (`fixedsize`), so `dot`'s spacing and routes hold for the canvas as
they are; edges leave at the bottom (or right) and enter at the top (or left), where the canvas draws a
state's handles. Routes come back as polylines: `dot`'s Bézier pieces sampled, ending at the arrow's tip.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from engine.render.graphviz_program import RenderError, run_graphviz

__all__ = ["CanvasEdge", "CanvasLayout", "CanvasNode", "Direction", "lay_out_canvas"]

Direction = Literal["TB", "LR"]
Point = tuple[float, float]
_Item = TypeVar("_Item")

_PER_INCH = 72.0
# The spacing the canvas's ELK layout keeps (elkLayout.ts), in inches.
_NODE_GAP = 36 / _PER_INCH
_RANK_GAP = 56 / _PER_INCH
_SAMPLES = (0.25, 0.5, 0.75, 1.0)
_TIMEOUT_S = 20.0


@dataclass(frozen=True, slots=True)
class CanvasNode:
    id: str
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class CanvasEdge:
    id: str
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class CanvasLayout:
    positions: dict[str, Point]
    """Top-left corner of each node."""
    routes: dict[str, list[Point]]
    """Each edge from its source's exit to its target's entry."""


def canvas_dot(nodes: Sequence[CanvasNode], edges: Sequence[CanvasEdge], direction: Direction) -> str:
    """The DOT text: one fixed-size box per node, one edge per edge, ports on the layout's axis. Nodes are
    named `n<index>` and edges `e<index>`, so no id a person wrote has to survive DOT's quoting."""
    tail, head = ("s", "n") if direction == "TB" else ("e", "w")
    lines = [
        "digraph canvas {",
        f"  graph [rankdir={direction}, nodesep={_NODE_GAP:.4f}, ranksep={_RANK_GAP:.4f}, splines=true];",
        '  node [shape=box, fixedsize=true, label=""];',
        "  edge [arrowsize=0.6];",
    ]
    index = {n.id: i for i, n in enumerate(nodes)}
    for i, n in enumerate(nodes):
        lines.append(f"  n{i} [width={n.width / _PER_INCH:.4f}, height={n.height / _PER_INCH:.4f}];")
    for i, e in enumerate(edges):
        if e.source in index and e.target in index:
            lines.append(f"  n{index[e.source]} -> n{index[e.target]} [id=e{i}, tailport={tail}, headport={head}];")
    lines.append("}")
    return "\n".join(lines)


def lay_out_canvas(
    nodes: Sequence[CanvasNode], edges: Sequence[CanvasEdge], direction: Direction = "TB"
) -> CanvasLayout:
    """Run `dot` over the canvas's graph; RenderError when Graphviz is missing, fails or takes too long."""
    raw = run_graphviz(canvas_dot(nodes, edges, direction), "json0", timeout_s=_TIMEOUT_S)
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise RenderError(f"Graphviz returned a layout that is not JSON: {exc}") from exc
    height = float(str(data["bb"]).split(",")[3])
    positions: dict[str, Point] = {}
    for obj in data.get("objects", []):
        node = _indexed(nodes, str(obj.get("name", "")), "n")
        if node is not None and "pos" in obj:
            cx, cy = _point(obj["pos"], height)
            positions[node.id] = (round(cx - node.width / 2, 1), round(cy - node.height / 2, 1))
    routes: dict[str, list[Point]] = {}
    for drawn in data.get("edges", []):
        edge = _indexed(edges, str(drawn.get("id", "")), "e")
        if edge is not None and "pos" in drawn:
            routes[edge.id] = _route(str(drawn["pos"]), height)
    return CanvasLayout(positions=positions, routes=routes)


def _indexed(items: Sequence[_Item], name: str, prefix: str) -> _Item | None:
    number = name.removeprefix(prefix)
    return items[int(number)] if name.startswith(prefix) and number.isdigit() and int(number) < len(items) else None


def _point(text: str, height: float) -> Point:
    x, y = text.split(",")[:2]
    return float(x), height - float(y)


def _route(spline: str, height: float) -> list[Point]:
    """`dot`'s spline (`e,tip` then 1 + 3n control points) as a polyline ending at the arrow's tip."""
    tip: Point | None = None
    controls: list[Point] = []
    for part in spline.split():
        if part.startswith("e,"):
            tip = _point(part[2:], height)
        elif part.startswith("s,"):
            controls.append(_point(part[2:], height))
        else:
            controls.append(_point(part, height))
    points = controls[:1]
    for i in range(0, len(controls) - 3, 3):
        p0, p1, p2, p3 = controls[i : i + 4]
        points.extend(_bezier(p0, p1, p2, p3, t) for t in _SAMPLES)
    if tip is not None:
        points.append(tip)
    return [(round(x, 1), round(y, 1)) for x, y in points]


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    u = 1 - t
    a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
    return (a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1])
