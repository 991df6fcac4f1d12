"""Where the label of a detached edge goes: beside its own line, near the state it leaves, clear of the states,
labels and lines the layout already holds.

A detached edge (see `long_edges`) is drawn by `neato -n2` straight over the finished layout, which kept no room
for its label, and Graphviz puts a tail label a fixed 25 pt from the tail, 25° off the line, wherever that is. On
a chain of tasks that each fail into one state, that is where `dot` put the label of the next step's edge: the
short `error` of the one-page drawing fitted beside it, but the review pack's and the paged PDF's `T14 · error`
ran into `T13 · done` on every step.

So the place is chosen here, from the layout `dot` made (`label_room`): a place on either side of the edge's
first stretch, stepping away from the state, then rings around the point where it leaves the state; the first
group holding a place clear of every state, label and line wins, and of its clear places the least crowded one
(so `T2 · error` goes to the side away from `T1 · done`); failing all, the least encumbered place. neato routes
the edge itself (it honours label positions only on edges routed beforehand), so the place is handed over as
what neato reads for a tail label: its angle from the edge (`labelangle`) and its distance from the point where
the edge leaves the state (`labeldistance`, in tens of points). Later detached labels keep clear of earlier ones.
The label itself is drawn on white (see `dot`), so the faint lines of the detached edges drawn before it pass
under it rather than through its text.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engine.render.label_room import Rect, Room, Shape, text_size

__all__ = ["DetachedLabel", "place_detached_labels"]

_CLEARANCE = 3.0  # points between a label and its own line
_PAD = 1.5  # points kept free around a label
_ALONG_STEPS = 4
_RADII = (22.0, 34.0, 48.0, 66.0, 90.0)
_ANGLES = 16
_HIDDEN = 1000.0  # a label on a state or another label is read by no one
_CROSSED = 40.0  # a line through a label can still be read past
_OUTSIDE = 15.0  # outside the drawing's box makes the drawing larger
_ROOMY = 8.0  # points around a free place in which other things count as crowding it


@dataclass(frozen=True, slots=True)
class DetachedLabel:
    """A detached edge as `dot.DotSource` records it: the DOT names of its ends, the lines of its label and
    their size in points."""

    tail: str
    head: str
    lines: tuple[str, ...]
    size: float


def _candidates(start: tuple[float, float], ux: float, uy: float, width: float, height: float,
                ) -> Iterator[list[tuple[float, float]]]:
    """Centres to try, in groups, best group first: a place on each side of the line, stepping away from the
    state; then rings around the point where the line leaves the state, nearer before further."""
    a, b = width / 2, height / 2
    reach = a * abs(ux) + b * abs(uy)  # half the label's length along the line
    along, step = reach + _PAD + 1.0, 2 * (reach + _PAD) + 1.0
    for k in range(_ALONG_STEPS):
        t = along + k * step
        pair = []
        for nx, ny in ((-uy, ux), (uy, -ux)):
            clear = a * abs(nx) + b * abs(ny) + _PAD + _CLEARANCE
            pair.append((start[0] + t * ux + clear * nx, start[1] + t * uy + clear * ny))
        yield pair
    for radius in _RADII:
        yield [(start[0] + (radius + a) * math.cos(angle), start[1] + (radius + b) * math.sin(angle))
               for angle in (2 * math.pi * n / _ANGLES for n in range(_ANGLES))]


def _cost(room: Room, box: Rect, own: tuple[tuple[float, float], tuple[float, float]]) -> tuple[float, float]:
    """What is wrong with the place (0: nothing), then how crowded it is: what lies within `_ROOMY` of it, so
    that of two free places the one further from other labels is taken."""
    padded = Rect(box.x0 - _PAD, box.y0 - _PAD, box.x1 + _PAD, box.y1 + _PAD)
    cost = 0.0
    hidden = room.covered(padded)
    if hidden:
        cost += _HIDDEN + hidden
    cost += _CROSSED * (room.crossings(box) + padded.meets_segment(*own))
    if not box.within(room.bounds):
        cost += _OUTSIDE
    roomy = Rect(box.x0 - _ROOMY, box.y0 - _ROOMY, box.x1 + _ROOMY, box.y1 + _ROOMY)
    return cost, room.covered(roomy)


def _place(room: Room, label: DetachedLabel, tail: Shape, head: Shape) -> str:
    dx, dy = head.x - tail.x, head.y - tail.y
    length = math.hypot(dx, dy)
    ux, uy = (dx / length, dy / length) if length else (0.0, -1.0)
    start = tail.exit(ux, uy)
    width, height = text_size(label.lines, label.size)
    own = (start, head.exit(-ux, -uy))
    best: tuple[float, float, tuple[float, float]] = (math.inf, math.inf, start)
    for group in _candidates(start, ux, uy, width, height):
        for cx, cy in group:
            cost, crowding = _cost(room, Rect.around(cx, cy, width, height), own)
            if (cost, crowding) < best[:2]:
                best = (cost, crowding, (cx, cy))
        if best[0] == 0:
            break
    cx, cy = best[2]
    room.add_solid(Rect.around(cx, cy, width, height))
    angle = math.degrees(math.atan2(cy - start[1], cx - start[0]) - math.atan2(uy, ux))
    angle = (angle + 180.0) % 360.0 - 180.0  # Graphviz reads labelangle from -180
    distance = math.hypot(cx - start[0], cy - start[1]) / 10.0
    return f'labelangle="{angle:.2f}", labeldistance="{distance:.3f}"'


def place_detached_labels(layout: dict[str, Any], statements: tuple[str, ...],
                          labels: tuple[DetachedLabel, ...]) -> tuple[str, ...]:
    """The detached edges' DOT statements, each label given its place over `layout` (`dot`'s `json0` output of
    the flow without them); a statement whose ends the layout lacks, or without a label, is kept as it is."""
    room = Room(layout)
    placed: list[str] = []
    for statement, label in zip(statements, labels, strict=True):
        tail, head = room.shapes.get(label.tail), room.shapes.get(label.head)
        if tail is None or head is None or not label.lines:
            placed.append(statement)
            continue
        # The last value of an attribute wins in DOT: these override the fallback the statement carries.
        placed.append(f"{statement.removesuffix(']')}, {_place(room, label, tail, head)}]")
    return tuple(placed)
