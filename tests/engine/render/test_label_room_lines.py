"""Where the lines of a big layout lie, found fast: each line segment was filed under every grid cell of its
bounding box, so the long diagonal edges of a 2,000-state flow filled 12 million cells — 90 s, and the drawing
was stopped with "Graphviz 'neato' took longer than 0.1 s". A segment is now filed under the cells it passes
through, and still found by every rectangle it crosses."""

from __future__ import annotations

import math
import random

from engine.render.label_room import _LINE_CELL, Rect, Room, _cells_crossed


def _sampled_cells(a: tuple[float, float], b: tuple[float, float]) -> set[tuple[int, int]]:
    steps = 2000
    return {(math.floor((a[0] + (b[0] - a[0]) * k / steps) / _LINE_CELL),
             math.floor((a[1] + (b[1] - a[1]) * k / steps) / _LINE_CELL)) for k in range(steps + 1)}


def test_a_segment_is_filed_under_the_cells_it_passes_through_and_no_others_far_away() -> None:
    rng = random.Random(7)
    for _ in range(300):
        a = (rng.uniform(-3000, 3000), rng.uniform(-3000, 3000))
        b = (rng.uniform(-3000, 3000), rng.uniform(-3000, 3000))
        crossed = set(_cells_crossed(a, b))
        assert _sampled_cells(a, b) <= crossed  # every cell a point of it lies in
        columns = abs(math.floor(a[0] / _LINE_CELL) - math.floor(b[0] / _LINE_CELL)) + 1
        rows = abs(math.floor(a[1] / _LINE_CELL) - math.floor(b[1] / _LINE_CELL)) + 1
        assert len(crossed) <= columns + rows  # a walk across the grid, not its bounding box (columns x rows)


def test_a_long_diagonal_edge_takes_cells_in_proportion_to_its_length_and_is_still_found() -> None:
    edge = {"pos": "e,100000,100000 0,0 33333,33333 66666,66666 100000,100000", "label": ""}
    room = Room({"bb": "0,0,100000,100000", "objects": [], "edges": [edge]})
    cells = sum(len(found) for found in room._lines_at.values())
    assert cells <= 2 * (100000 / _LINE_CELL + 1) * 3  # three legs, each about its length in cells
    assert room.crossings(Rect(49990, 49990, 50010, 50010)) >= 1  # where it runs
    assert room.crossings(Rect(90000, 1000, 90020, 1020)) == 0  # far from it, inside its bounding box
