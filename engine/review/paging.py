"""Fitting a diagram to printed pages: the scale, the orientation and where to cut.

The diagram is scaled to the page width, but never so far that its smallest text falls below `MIN_TEXT_PT`;
a diagram too wide for that even on a landscape page is cut into columns as well as rows. Cuts fall in
the gaps between states and labels wherever the page leaves room for one, so no state is split, and as near
as the gaps allow to equal shares: a diagram a little taller than three pages is cut into four of about equal
height, not three full ones and a strip. Each row is cut into columns over what it holds (its states, labels
and lines), not over the whole width: a flow that drifts from the top right to the bottom left prints its top
rows on one page each, not on a page holding only the drawing's title beside one holding the states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.render.one_page import MIN_TEXT_PT
from engine.review.diagram_svg import Area, DiagramSvg
from engine.review.source import PageSize

__all__ = ["MIN_TEXT_PT", "PAGE_POINTS", "DiagramPage", "Orientation", "frame_of", "plan_pages"]

PAGE_POINTS: dict[PageSize, tuple[float, float]] = {"A4": (595.28, 841.89), "letter": (612.0, 792.0)}
MARGIN_PT = 34.0  # 12 mm
CHROME_PT = 80.0  # the page's heading and the legend beneath the drawing
_GAP = 2.0

Orientation = Literal["portrait", "landscape"]
_ORIENTATIONS: tuple[Orientation, ...] = ("portrait", "landscape")


@dataclass(frozen=True, slots=True)
class DiagramPage:
    """One printed piece of the diagram: its area, at `scale`, in row `row` and column `column` (from 1) of
    `columns` in that row (rows are cut first, then each row where its own states leave a gap)."""

    area: Area
    scale: float
    row: int
    column: int
    rows: int
    columns: int
    orientation: Orientation


def frame_of(page: PageSize, orientation: Orientation) -> tuple[float, float]:
    """The room for the drawing on one page, in points: width, height."""
    short, long = PAGE_POINTS[page]
    width, height = (short, long) if orientation == "portrait" else (long, short)
    return width - 2 * MARGIN_PT, height - 2 * MARGIN_PT - CHROME_PT


def _merged(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + _GAP:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _cut_in(blocked: list[tuple[float, float]], start: float, limit: float, room: float) -> float | None:
    """The last free place before `limit`, if one lies in the last two thirds of the piece."""
    for low, high in blocked:
        if low < limit < high:
            return low - _GAP if low - _GAP > start + room / 3 else None
    return limit


def _pieces(
    spans: list[tuple[float, float]], solid: list[tuple[float, float]], start: float, end: float, room: float
) -> list[tuple[float, float]]:
    """[start, end] in pieces of at most `room`, ending where nothing is (`spans`: states and labels), else
    where no state is (`solid`). Failing both, a piece ends at the page's edge and the next one starts
    before the states that edge cuts, so that each state is seen whole on some page — each state that a
    page can hold whole: one longer than a page (a state with a very long name) is cut wherever the pieces
    fall, and every piece starts further on than the one before, so the cutting ends."""
    blocked, states = _merged(spans), _merged(solid)
    pieces: list[tuple[float, float]] = []
    while end - start > room + _GAP:
        limit = start + room
        cut = _cut_in(blocked, start, limit, room)
        if cut is None:
            cut = _cut_in(states, start, limit, room)
        if cut is not None:
            pieces.append((start, cut))
            start = cut
            continue
        pieces.append((start, limit))
        crossing = [low - _GAP for low, high in solid
                    if low < limit < high and low - _GAP > start and high - (low - _GAP) <= room]
        start = min(crossing, default=limit - _GAP)
    pieces.append((start, end))
    return pieces


def _free(blocked: list[tuple[float, float]], start: float, end: float) -> list[tuple[float, float]]:
    """The stretches of [start, end] that none of `blocked` (merged, in order) lies on."""
    free: list[tuple[float, float]] = []
    at = start
    for low, high in blocked:
        if high < start or low > end:
            continue
        if low - _GAP > at:
            free.append((at, low - _GAP))
        at = max(at, high + _GAP)
    if at < end:
        free.append((at, end))
    return free


def _even_cuts(free: list[tuple[float, float]], start: float, end: float, room: float,
               count: int) -> list[tuple[float, float]] | None:
    """[start, end] in `count` pieces of at most `room`, each cut in `free` as near its equal share as it can
    be; None when the gaps do not allow it."""
    cuts = [start]
    for k in range(1, count):
        target = start + k * (end - start) / count
        low, high = max(cuts[-1] + _GAP, end - (count - k) * room), cuts[-1] + room
        near = [min(max(target, a), b) for a, b in free if max(a, low) <= min(b, high)]
        near = [min(max(n, low), high) for n in near]
        if not near:
            return None
        cuts.append(min(near, key=lambda n: abs(n - target)))
    if end - cuts[-1] > room:
        return None
    return list(zip(cuts, [*cuts[1:], end], strict=True))


def _balanced(spans: list[tuple[float, float]], solid: list[tuple[float, float]], start: float, end: float,
              room: float) -> list[tuple[float, float]]:
    """As many pieces as `_pieces` cuts, but of about equal length where gaps between states and labels (else
    between states) allow: no last piece holding a strip."""
    greedy = _pieces(spans, solid, start, end, room)
    if len(greedy) == 1:
        return greedy
    for blocked in (_merged(spans), _merged(solid)):
        even = _even_cuts(_free(blocked, start, end), start, end, room, len(greedy))
        if even is not None:
            return even
    return greedy


def _held(band: list[Area], legs: list[Area], top: float, bottom: float, width: float) -> tuple[float, float]:
    """From where to where across the drawing a row between `top` and `bottom` holds something: its states,
    labels and the lines running through it (the drawing's title only when nothing else is there)."""
    xs = [(o.x0, o.x1) for o in band] + [(leg.x0, leg.x1) for leg in legs if leg.y1 > top and leg.y0 < bottom]
    if not xs:
        return 0.0, width
    return max(0.0, min(x0 for x0, _ in xs) - _GAP), min(width, max(x1 for _, x1 in xs) + _GAP)


def _holds_something(area: Area, obstacles: list[Area]) -> bool:
    return any(o.x1 > area.x0 and o.x0 < area.x1 and o.y1 > area.y0 and o.y0 < area.y1 for o in obstacles)


def _choose(width: float, smallest: float, page: PageSize) -> tuple[Orientation, float]:
    """Portrait when the diagram fits its width legibly, else landscape; the largest scale up to 1."""
    floor = MIN_TEXT_PT / smallest
    for orientation in _ORIENTATIONS:
        fit = min(1.0, frame_of(page, orientation)[0] / width)
        if fit >= floor:
            return orientation, fit
    return "landscape", floor


def plan_pages(svg: DiagramSvg, page: PageSize = "A4") -> list[DiagramPage]:
    """The pages the diagram is printed on, in reading order (rows, then columns within a row)."""
    orientation, scale = _choose(svg.width, svg.smallest_font(), page)
    frame_width, frame_height = frame_of(page, orientation)
    obstacles, states = svg.obstacles(), svg.obstacles(states_only=True)
    untitled, legs = svg.obstacles(title=False), svg.line_legs()
    rows = _balanced([(o.y0, o.y1) for o in obstacles], [(o.y0, o.y1) for o in states], 0.0, svg.height,
                     frame_height / scale)
    pages: list[DiagramPage] = []
    for row, (top, bottom) in enumerate(rows, start=1):
        band = [o for o in obstacles if o.y1 > top and o.y0 < bottom]
        held = [o for o in untitled if o.y1 > top and o.y0 < bottom] or band
        left, right = _held(held, legs, top, bottom, svg.width) if len(rows) > 1 else (0.0, svg.width)
        solid = [(o.x0, o.x1) for o in states if o.y1 > top and o.y0 < bottom]
        columns = _balanced([(o.x0, o.x1) for o in band], solid, left, right, frame_width / scale)
        areas = [Area(start, top, end, bottom) for start, end in columns]
        areas = [area for area in areas if _holds_something(area, band)]
        pages.extend(DiagramPage(area, scale, row, column, len(rows), len(areas), orientation)
                     for column, area in enumerate(areas, start=1))
    return pages
