"""POST /api/layout/canvas: the server's Graphviz lays out the canvas's own graph (used for big flows, where
ELK in the browser is slow). What the canvas relies on: every node placed at its exact size without
overlapping, sources before targets along the chosen axis, and each route running from its source's exit to
its target's entry — where the canvas draws the handles."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from designer_support import Env, assert_problem

TASK = {"width": 180, "height": 64}
CHOICE = {"width": 160, "height": 80}
# Ids as a person may write them in JSON: quotes and backslashes must not break the DOT text.
NODES = [
    {"id": "start", **TASK},
    {"id": 'say "hi"', **CHOICE},
    {"id": "back\\slash", **TASK},
    {"id": "end", **TASK},
]
EDGES = [
    {"id": "t0", "source": "start", "target": 'say "hi"'},
    {"id": "t1:say", "source": 'say "hi"', "target": "back\\slash"},
    {"id": "t2:say", "source": 'say "hi"', "target": "end"},
    {"id": "t3", "source": "back\\slash", "target": "end"},
    {"id": "t4", "source": "start", "target": "nowhere"},
]


def _boxes(layout: dict[str, Any]) -> dict[str, tuple[float, float, float, float]]:
    sizes = {n["id"]: (n["width"], n["height"]) for n in NODES}
    return {nid: (p["x"], p["y"], *sizes[nid]) for nid, p in layout["positions"].items()}


def _near(point: dict[str, float], to: tuple[float, float]) -> bool:
    return abs(point["x"] - to[0]) <= 2 and abs(point["y"] - to[1]) <= 2


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_nodes_are_placed_apart_in_order_and_routes_join_the_handles(env: Env, direction: str) -> None:
    graph = {"direction": direction, "nodes": NODES, "edges": EDGES}
    response = env.call("POST", "/api/layout/canvas", "viewer", json=graph)
    assert response.status_code == 200, response.text
    layout = response.json()
    boxes = _boxes(layout)
    assert set(boxes) == {n["id"] for n in NODES}
    ids = list(boxes)
    assert not [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if _overlap(boxes[a], boxes[b])]
    assert set(layout["routes"]) == {"t0", "t1:say", "t2:say", "t3"}  # t4 names no node: not laid out
    for edge in EDGES[:4]:
        sx, sy, sw, sh = boxes[edge["source"]]
        tx, ty, tw, th = boxes[edge["target"]]
        route = layout["routes"][edge["id"]]
        first, last = route[0], route[-1]
        if direction == "TB":
            assert sy + sh <= ty, f"{edge['id']} does not run downwards"
            exit_, entry = (sx + sw / 2, sy + sh), (tx + tw / 2, ty)
        else:
            assert sx + sw <= tx, f"{edge['id']} does not run rightwards"
            exit_, entry = (sx + sw, sy + sh / 2), (tx, ty + th / 2)
        assert _near(first, exit_), (edge["id"], first, exit_)
        assert _near(last, entry), (edge["id"], last, entry)


def test_a_graph_without_nodes_or_with_unknown_fields_is_refused(env: Env) -> None:
    assert_problem(env.call("POST", "/api/layout/canvas", "viewer", json={"nodes": [], "edges": []}), 400)
    odd = {"nodes": [{"id": "a", "width": 10, "height": 10, "colour": "red"}]}
    assert_problem(env.call("POST", "/api/layout/canvas", "viewer", json=odd), 400)


def _chain_with_shared_handlers(handlers: int, fan_in: int, size: int = 300) -> tuple[list[Any], list[Any]]:
    """A chain of `size` states in all, where `handlers` more states (an escalation, an error handler) are
    each reached from `fan_in` states spread along the chain, as well as leading on to the end."""
    body = size - handlers - 1
    nodes: list[dict[str, Any]] = [{"id": f"s{i}", **(CHOICE if i % 10 == 9 else TASK)} for i in range(body)]
    nodes.append({"id": "end", **TASK})
    edges = [{"id": f"next{i}", "source": f"s{i}", "target": f"s{i + 1}"} for i in range(body - 1)]
    edges.append({"id": "last", "source": f"s{body - 1}", "target": "end"})
    for h in range(handlers):
        nodes.append({"id": f"handler{h}", **TASK})
        edges.append({"id": f"handler{h}-end", "source": f"handler{h}", "target": "end"})
        for k in range(fan_in):
            source = (h + k * (body // fan_in)) % body
            edges.append({"id": f"to-handler{h}-{k}", "source": f"s{source}", "target": f"handler{h}"})
    return nodes, edges


def _placed_apart(nodes: list[Any], layout: dict[str, Any]) -> None:
    """Every node has a place and no two overlap (sorted along x, so only neighbours in reach are compared)."""
    sizes = {n["id"]: (n["width"], n["height"]) for n in nodes}
    assert set(layout["positions"]) == set(sizes), "not every state was placed"
    boxes = sorted((p["x"], p["y"], *sizes[nid], nid) for nid, p in layout["positions"].items())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if b[0] >= a[0] + a[2]:
                break
            assert not _overlap(a[:4], b[:4]), f"{a[4]} overlaps {b[4]}"


def _crosses(p: dict[str, float], q: dict[str, float], box: tuple[float, ...]) -> bool:
    """Whether the segment p-q passes through the inside of the box (x, y, width, height), shrunk by 1 px."""
    low, high = 0.0, 1.0
    dx, dy = q["x"] - p["x"], q["y"] - p["y"]
    left, top, right, bottom = box[0] + 1, box[1] + 1, box[0] + box[2] - 1, box[1] + box[3] - 1
    for step, room in ((-dx, p["x"] - left), (dx, right - p["x"]), (-dy, p["y"] - top), (dy, bottom - p["y"])):
        if step == 0:
            if room < 0:
                return False
            continue
        t = room / step
        low, high = (max(low, t), high) if step < 0 else (low, min(high, t))
    return low < high


@pytest.mark.parametrize("direction", ["TB", "LR"])
@pytest.mark.parametrize(
    ("handlers", "fan_in"),
    [(1, 298), (1, 30), (10, 7)],
    ids=["every state to one shared state", "30 states to one shared state", "7 states to each of 10 handlers"],
)
def test_a_big_flow_with_long_edges_to_shared_states_is_laid_out_by_graphviz(
    env: Env, direction: str, handlers: int, fan_in: int
) -> None:
    """Many long edges into shared states made `dot` run past the endpoint's 20 s limit, and the canvas fell
    back to the browser's slow layout. Now each state gets its place from Graphviz, none overlapping; a
    shared state is set past its last source, and every edge into it is routed from its source's exit to its
    entry without running through a state."""
    nodes, edges = _chain_with_shared_handlers(handlers, fan_in)
    graph = {"direction": direction, "nodes": nodes, "edges": edges}
    response = env.call("POST", "/api/layout/canvas", "viewer", json=graph)
    assert response.status_code == 200, response.text
    layout = response.json()
    _placed_apart(nodes, layout)
    boxes = {
        n["id"]: (layout["positions"][n["id"]]["x"], layout["positions"][n["id"]]["y"], n["width"], n["height"])
        for n in nodes
    }
    along = 1 if direction == "TB" else 0
    for h in range(handlers):
        into = [e for e in edges if e["target"] == f"handler{h}"]
        last_end = max(boxes[e["source"]][along] + boxes[e["source"]][along + 2] for e in into)
        assert boxes[f"handler{h}"][along] >= last_end, f"handler{h} is not past its last source"
        for edge in into:
            route = layout["routes"][edge["id"]]
            sx, sy, sw, sh = boxes[edge["source"]]
            tx, ty, tw, th = boxes[edge["target"]]
            exit_, entry = (
                ((sx + sw / 2, sy + sh), (tx + tw / 2, ty))
                if direction == "TB"
                else ((sx + sw, sy + sh / 2), (tx, ty + th / 2))
            )
            assert _near(route[0], exit_), edge["id"]
            assert _near(route[-1], entry), edge["id"]
            through = {nid for p, q in pairwise(route) for nid, box in boxes.items() if _crosses(p, q, box)}
            assert through <= {edge["source"], edge["target"]}, f"{edge['id']} runs through {through}"
