"""Auto-layout: a box for every state, from the same `dot` run as the exported diagram."""

from __future__ import annotations

from itertools import combinations

import pytest
from render_support import STATE_IDS, chain, sample, svg_centre, svg_groups, svg_root

from bench.bench_validation import generate
from engine.definition import Workflow
from engine.render import Box, compute_layout, dot_source, layout_graph, render
from engine.render.dot import LARGE
from engine.validation.loader import require_workflow


def overlap(a: Box, b: Box) -> bool:
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and b.y < a.y + a.height


def inside(inner: Box, outer: Box, slack: float = 0.5) -> bool:
    """Within `slack` points: Graphviz reports node sizes in inches to four decimals."""
    return (outer.x - slack <= inner.x and inner.x + inner.width <= outer.x + outer.width + slack
            and outer.y - slack <= inner.y and inner.y + inner.height <= outer.y + outer.height + slack)


def test_every_state_gets_a_distinct_position_branch_states_included() -> None:
    positions = compute_layout(sample())
    assert set(positions) == STATE_IDS
    assert len({(p.x, p.y) for p in positions.values()}) == len(positions)


def test_boxes_do_not_overlap_and_branches_sit_inside_their_parallel_state() -> None:
    layout = layout_graph(sample())
    plain = {qid: box for qid, box in layout.boxes.items() if qid != "enrich"}
    assert not [(a, b) for a, b in combinations(plain, 2) if overlap(plain[a], plain[b])]
    for qid in STATE_IDS:
        if qid.startswith("enrich/"):
            assert inside(layout.boxes[qid], layout.boxes["enrich"]), qid
    canvas = Box(0, 0, layout.width, layout.height)
    assert all(inside(box, canvas) for box in layout.boxes.values())


def test_edges_come_with_their_routes() -> None:
    layout = layout_graph(sample())
    assert {"t0:extract", "t9:*", "enrich/web/t1:search", ":start>extract"} <= set(layout.edges)
    for key, points in layout.edges.items():
        arrow = not key.endswith(":join")  # a branch end meets the join bar without an arrowhead
        assert (len(points) - 1 - arrow) % 3 == 0, key  # 1 + 3n Bézier control points, then the arrow tip
    route = layout.edges["t0:extract"]
    start, end = layout.boxes["extract"], layout.boxes["route"]
    assert start.x <= route[0].x <= start.x + start.width + 1  # it leaves 'extract' ...
    assert end.x - 1 <= route[-1].x <= end.x + end.width  # ... and arrives at 'route'


@pytest.mark.parametrize("workflow", [sample(), chain(60)], ids=["one pass", "detached edges"])
def test_the_exported_svg_puts_every_state_where_the_layout_does(workflow: Workflow) -> None:
    layout = layout_graph(workflow)
    nodes = svg_groups(svg_root(render(workflow, "svg")), "node")
    shifts = []
    for qid, box in layout.boxes.items():
        if qid != "enrich":
            x, y = svg_centre(nodes[qid])
            shifts.append((box.x + box.width / 2 - x, box.y + box.height / 2 - y))
    dx, dy = shifts[0]
    # One translation maps the canvas onto the drawing (outline extents differ by a tab or a corner).
    assert all(abs(x - dx) <= 3 and abs(y - dy) <= 3 for x, y in shifts), shifts


def test_detached_edges_are_not_routed_by_the_layout() -> None:
    workflow = chain(60)
    layout = layout_graph(workflow)
    detached = [line.split('id="', 1)[1].split('"', 1)[0] for line in dot_source(workflow).detached]
    assert detached
    assert not set(detached) & set(layout.edges)
    assert layout.boxes["failed"].y > layout.boxes["s50"].y  # held near the end by its short edges
    assert len(compute_layout(workflow)) == len(workflow.states)


def test_layout_is_deterministic() -> None:
    assert layout_graph(chain(60)) == layout_graph(chain(60))


def test_a_large_flow_with_parallel_states_keeps_boxes_apart_and_branches_inside() -> None:
    """Above `LARGE` states `dot` ranks globally (`newrank`): each parallel state still holds its branches."""
    workflow = require_workflow(generate(LARGE + 150))
    assert 'newrank="true"' in dot_source(workflow).layout_text
    layout = layout_graph(workflow)
    parallels = [sid for sid, state in workflow.states.items() if state.type == "parallel"]
    assert parallels
    top = {sid: layout.boxes[sid] for sid in workflow.states}
    assert not [(a, b) for a, b in combinations(top, 2) if overlap(top[a], top[b])]
    for qid, box in layout.boxes.items():
        owner = qid.split("/", 1)[0]
        if owner != qid:
            assert owner in parallels
            assert inside(box, layout.boxes[owner]), qid
