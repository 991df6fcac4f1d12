"""POST /api/layout/canvas: the server's Graphviz lays out the canvas's own graph (used for big flows, where
ELK in the browser is slow). What the canvas relies on: every node placed at its exact size without
overlapping, sources before targets along the chosen axis, and each route running from its source's exit to
its target's entry — where the canvas draws the handles."""

from __future__ import annotations

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
