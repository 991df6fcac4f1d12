"""Graphviz `dot` as the designer canvas's layout for big flows: the browser's ELK takes over a second for a
300-state flow, `dot` a fraction of that.

The browser sends the graph it draws — each node's id and on-screen size, each edge's id and ends — and
gets back each node's top-left corner and each edge's route, in canvas pixels (one Graphviz point per
pixel). Nodes keep their exact size (`fixedsize`), so `dot`'s spacing and routes hold for the canvas as
they are; edges leave at the bottom (or right) and enter at the top (or left), where the canvas draws a
state's handles. Routes come back as polylines: `dot`'s Bézier pieces sampled, ending at the arrow's tip.

In a big graph, a state many others lead to (a shared error or escalation handler) is laid out apart: each
of those edges would run past every rank between its ends, and `dot`'s time grows with those crossings — a
300-state chain with 30 such edges took about 19 s, with 100 over 40 s, without them 0.03 s. Such a state
is left out of `dot`'s graph with its edges and set afterwards beside the drawing, just past its last
source along the axis, so every edge into it still runs forwards, in right angles through the gaps between
ranks; its own edges out come back without a route, and the canvas draws those as plain steps.
"""

from __future__ import annotations

import json
from collections import Counter
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
# `dot`'s last pass, placing nodes across the ranks, is a network simplex that may run to an optimum far away:
# 300 states with 70 long edges into ten states took 20-23 s. Only positions are wanted, so it stops after
# nslimit x (its graph's nodes) iterations: the same graph in 0.4-0.7 s, laid out as narrow and as straight.
_PLACEMENT_EFFORT = 2
# A graph this big has its busy targets laid out apart; the canvas's own rule (busyStates.ts) sets busy finals
# apart in a flow of any size, and any other busy state from this size on, the same way.
_BUSY_FROM_NODES = 60
_BUSY_FAN_IN = 8


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


def busy_targets(nodes: Sequence[CanvasNode], edges: Sequence[CanvasEdge]) -> frozenset[str]:
    """The nodes laid out apart: in a graph of _BUSY_FROM_NODES nodes or more, those with _BUSY_FAN_IN or
    more edges coming in from other nodes."""
    if len(nodes) < _BUSY_FROM_NODES:
        return frozenset()
    known = {n.id for n in nodes}
    fan_in = Counter(e.target for e in edges if e.source in known and e.target in known and e.source != e.target)
    return frozenset(target for target, count in fan_in.items() if count >= _BUSY_FAN_IN)


def canvas_dot(
    nodes: Sequence[CanvasNode], edges: Sequence[CanvasEdge], direction: Direction, apart: frozenset[str] = frozenset()
) -> str:
    """The DOT text: one fixed-size box per node, one edge per edge, ports on the layout's axis; the nodes
    `apart` and their edges left out. Nodes are named `n<index>` and edges `e<index>`, so no id a person
    wrote has to survive DOT's quoting."""
    tail, head = ("s", "n") if direction == "TB" else ("e", "w")
    lines = [
        "digraph canvas {",
        f"  graph [rankdir={direction}, nodesep={_NODE_GAP:.4f}, ranksep={_RANK_GAP:.4f}, splines=true,"
        f" nslimit={_PLACEMENT_EFFORT}];",
        '  node [shape=box, fixedsize=true, label=""];',
        "  edge [arrowsize=0.6];",
    ]
    index = {n.id: i for i, n in enumerate(nodes) if n.id not in apart}
    for i, n in enumerate(nodes):
        if n.id in apart:
            continue
        lines.append(f"  n{i} [width={n.width / _PER_INCH:.4f}, height={n.height / _PER_INCH:.4f}];")
    for i, e in enumerate(edges):
        if e.source in index and e.target in index:
            lines.append(f"  n{index[e.source]} -> n{index[e.target]} [id=e{i}, tailport={tail}, headport={head}];")
    lines.append("}")
    return "\n".join(lines)


def lay_out_canvas(
    nodes: Sequence[CanvasNode], edges: Sequence[CanvasEdge], direction: Direction = "TB"
) -> CanvasLayout:
    """Run `dot` over the canvas's graph, then set its busy targets apart; RenderError when Graphviz is
    missing, fails or takes too long."""
    apart = busy_targets(nodes, edges)
    raw = run_graphviz(canvas_dot(nodes, edges, direction, apart), "json0", timeout_s=_TIMEOUT_S)
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
    busy = [n for n in nodes if n.id in apart]
    _set_apart(busy, nodes, edges, direction=direction, positions=positions, routes=routes)
    return CanvasLayout(positions=positions, routes=routes)


def _set_apart(
    busy: Sequence[CanvasNode],
    nodes: Sequence[CanvasNode],
    edges: Sequence[CanvasEdge],
    *,
    direction: Direction,
    positions: dict[str, Point],
    routes: dict[str, list[Point]],
) -> None:
    """Add the busy targets to `dot`'s positions and routes: each in its own column right of the drawing
    (its own row below it, left to right), one rank gap past the far end of its last source; each edge
    into one routed from its source's exit into the gap after the source's rank, across to the target's
    column and on into its entry, so that it runs through no state."""
    flip = direction == "LR"

    def turn(p: Point) -> Point:
        """(x, y) to (across, along) the layout's axis, and back: the same swap, or none, both ways."""
        return (p[1], p[0]) if flip else p

    size = {n.id: turn((n.width, n.height)) for n in nodes}
    corner = {nid: turn(p) for nid, p in positions.items()}
    node_gap, rank_gap = _NODE_GAP * _PER_INCH, _RANK_GAP * _PER_INCH
    across = max((c[0] + size[nid][0] for nid, c in corner.items()), default=0.0) + node_gap
    first = min((c[1] for c in corner.values()), default=0.0)
    for node in busy:
        into = [e for e in edges if e.target == node.id and e.source in corner]
        ends = [corner[e.source][1] + size[e.source][1] for e in into]
        along = max(ends) + rank_gap if ends else first
        positions[node.id] = turn((round(across, 1), round(along, 1)))
        middle = across + size[node.id][0] / 2
        for e in into:
            (sa, sl), (sw, sh) = corner[e.source], size[e.source]
            exit_, turn_at = (sa + sw / 2, sl + sh), sl + sh + rank_gap / 2
            route = [exit_, (exit_[0], turn_at), (middle, turn_at), (middle, along)]
            routes[e.id] = [turn((round(a, 1), round(b, 1))) for a, b in route]
        across += size[node.id][0] + node_gap


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
