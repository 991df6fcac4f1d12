"""Fitting a diagram to printed pages: the orientation, the scale, where to cut, and the order the parts are read in.

The smallest text is never printed under `MIN_TEXT_PT`, and the drawing is never enlarged. Within that, the
diagram goes on as few pages as it can — portrait or landscape, whichever needs fewer — and then as large as
those pages allow, so they are used to their height rather than cut into more, emptier parts. A diagram too
wide for a page at that scale is cut into columns as well as rows. Cuts fall in the gaps between states and
labels wherever the page leaves room for one, so no state is split, and as near as the gaps allow to equal
shares (`engine.review.cuts`). Each row is cut into columns over what it holds (its states, labels and lines),
not over the whole width: a flow that drifts from the top right to the bottom left prints its top rows on one
page each, not on a page holding only the drawing's title beside one holding the states.

The parts are read as the flow goes: the rows from the top, and within a row the part holding the step reached
first from the start (by the fewest transitions) first, so part 1 holds the start. The drawing's title is moved
onto part 1, whole.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Literal

from engine.render.one_page import MIN_TEXT_PT
from engine.review.cuts import GAP, balanced
from engine.review.diagram_svg import Area, DiagramSvg
from engine.review.source import PageSize

__all__ = ["MIN_TEXT_PT", "PAGE_POINTS", "DiagramPage", "Orientation", "frame_of", "neighbours", "plan_pages"]

PAGE_POINTS: dict[PageSize, tuple[float, float]] = {"A4": (595.28, 841.89), "letter": (612.0, 792.0)}
MARGIN_PT = 34.0  # 12 mm
# the page's heading (~35 pt), the line saying where the diagram continues (~17 pt, 28 pt when it wraps) and the
# legend beneath (~28 pt on two lines, 41 pt on three: a portrait page's, with NEW, CHANGED and RENAMED keyed)
CHROME_PT = 104.0
_TRIES = 8  # halvings of the range of scales that keep the fewest pages: the largest is found to ~0.1 %

Orientation = Literal["portrait", "landscape"]
_ORIENTATIONS: tuple[Orientation, ...] = ("portrait", "landscape")


@dataclass(frozen=True, slots=True)
class DiagramPage:
    """One printed piece of the diagram: its area, at `scale`, in row `row` and column `column` (from 1, left
    to right) of `columns` in that row (rows are cut first, then each row where its own states leave a gap)."""

    area: Area
    scale: float
    row: int
    column: int
    rows: int
    columns: int
    orientation: Orientation


class _Layer:
    """Areas of one kind, to find those reaching into a band of the drawing quickly (a plan tries several scales,
    each cutting a long flow into dozens of rows): the low ones (a state, a label) sorted by their tops, the tall
    ones (a long line) apart."""

    _LOW = 200.0

    def __init__(self, areas: list[Area]) -> None:
        self.areas = areas
        self.low = sorted((a for a in areas if a.y1 - a.y0 <= self._LOW), key=lambda a: a.y0)
        self.tops = [a.y0 for a in self.low]
        self.tall = [a for a in areas if a.y1 - a.y0 > self._LOW]

    def crossing(self, top: float, bottom: float) -> list[Area]:
        low = self.low[bisect_left(self.tops, top - self._LOW): bisect_left(self.tops, bottom)]
        return [a for a in low if a.y1 > top] + [a for a in self.tall if a.y1 > top and a.y0 < bottom]


@dataclass(frozen=True, slots=True)
class _Drawing:
    """What the plan reads from the drawing, read once for every scale it tries."""

    width: float
    height: float
    obstacles: _Layer  # states and every text: no cut goes through them
    untitled: _Layer  # the same but for the drawing's own title
    states: _Layer
    legs: _Layer  # the lines' legs, where lines run
    steps: list[tuple[Area, int]]  # states that lead on, with how early the flow reaches them

    @classmethod
    def of(cls, svg: DiagramSvg) -> _Drawing:
        return cls(svg.width, svg.height, _Layer(svg.obstacles()), _Layer(svg.obstacles(title=False)),
                   _Layer(svg.obstacles(states_only=True)), _Layer(svg.line_legs()), svg.steps())


def frame_of(page: PageSize, orientation: Orientation) -> tuple[float, float]:
    """The room for the drawing on one page, in points: width, height."""
    short, long = PAGE_POINTS[page]
    width, height = (short, long) if orientation == "portrait" else (long, short)
    return width - 2 * MARGIN_PT, height - 2 * MARGIN_PT - CHROME_PT


def _held(band: list[Area], legs: list[Area], width: float) -> tuple[float, float]:
    """From where to where across the drawing a row holds something: its states, labels and the lines running
    through it (the drawing's title only when nothing else is there)."""
    xs = [(o.x0, o.x1) for o in band] + [(leg.x0, leg.x1) for leg in legs]
    if not xs:
        return 0.0, width
    return max(0.0, min(x0 for x0, _ in xs) - GAP), min(width, max(x1 for _, x1 in xs) + GAP)


def _holds_something(area: Area, obstacles: list[Area]) -> bool:
    return any(o.x1 > area.x0 and o.x0 < area.x1 and o.y1 > area.y0 and o.y0 < area.y1 for o in obstacles)


class _Grid:
    """The drawing cut for one orientation and scale: rows of areas, each row left to right."""

    def __init__(self, drawing: _Drawing, page: PageSize, orientation: Orientation, scale: float) -> None:
        self.orientation, self.scale = orientation, scale
        frame_width, frame_height = frame_of(page, orientation)
        d = drawing
        rows = balanced([(o.y0, o.y1) for o in d.obstacles.areas], [(o.y0, o.y1) for o in d.states.areas], 0.0,
                        d.height, frame_height / scale)
        self.rows: list[list[Area]] = []
        for top, bottom in rows:
            band = d.obstacles.crossing(top, bottom)
            held = d.untitled.crossing(top, bottom) or band
            left, right = (_held(held, d.legs.crossing(top, bottom), d.width) if len(rows) > 1
                           else (0.0, d.width))
            solid = [(o.x0, o.x1) for o in d.states.crossing(top, bottom)]
            columns = balanced([(o.x0, o.x1) for o in band], solid, left, right, frame_width / scale)
            areas = [Area(start, top, end, bottom) for start, end in columns]
            self.rows.append([area for area in areas if _holds_something(area, held)])

    @property
    def count(self) -> int:
        return sum(len(row) for row in self.rows)


def _largest(drawing: _Drawing, page: PageSize, orientation: Orientation, floor: float) -> _Grid:
    """The grid of the fewest pages in `orientation`, at the largest scale (at most 1, at least `floor`) that
    keeps them that few: the range of scales halved `_TRIES` times toward it."""
    fewest = _Grid(drawing, page, orientation, floor)
    top = max(1.0, floor)
    if top == floor:
        return fewest
    whole = _Grid(drawing, page, orientation, top)
    if whole.count <= fewest.count:
        return whole
    low, high = floor, top
    for _ in range(_TRIES):
        middle = (low + high) / 2
        grid = _Grid(drawing, page, orientation, middle)
        if grid.count <= fewest.count:
            low, fewest = middle, grid
        else:
            high = middle
    return fewest


def _reading_order(row: list[Area], steps: list[tuple[Area, int]]) -> list[int]:
    """The columns of a row in the order the flow reaches them: the one whose earliest step comes first first,
    a column with no step of its own after those that have one, left to right."""
    def first_step(area: Area) -> float:
        held = [n for box, n in steps if area.x0 <= (box.x0 + box.x1) / 2 < area.x1
                and area.y0 <= (box.y0 + box.y1) / 2 < area.y1]
        return min(held, default=float("inf"))

    return sorted(range(len(row)), key=lambda n: (first_step(row[n]), n))


def plan_pages(svg: DiagramSvg, page: PageSize = "A4") -> list[DiagramPage]:
    """The pages the diagram is printed on, in reading order (see the module's docstring)."""
    drawing = _Drawing.of(svg)
    floor = MIN_TEXT_PT / svg.smallest_font()
    grids = [_largest(drawing, page, orientation, floor) for orientation in _ORIENTATIONS]
    best = min(grids, key=lambda g: (g.count, -round(g.scale, 4)))  # a tie: portrait, the first tried
    pages: list[DiagramPage] = []
    for number, row in enumerate(best.rows, start=1):
        for column in _reading_order(row, drawing.steps):
            pages.append(DiagramPage(row[column], best.scale, number, column + 1, len(best.rows), len(row),
                                     best.orientation))
    return pages


def neighbours(pages: list[DiagramPage], index: int) -> dict[str, list[int]]:
    """Where the diagram goes on from page `index`: the parts (numbered from 1, as `pages` orders them) to its
    left and right in its row, and above and below it (the parts of the next rows that share some of its
    width)."""
    here = pages[index]

    def beside(row: int, column: int | None = None) -> list[int]:
        return [n + 1 for n, p in enumerate(pages) if p.row == row and (
            p.column == column if column is not None
            else p.area.x0 < here.area.x1 - GAP and here.area.x0 < p.area.x1 - GAP)]

    return {"left": beside(here.row, here.column - 1), "right": beside(here.row, here.column + 1),
            "above": sorted(beside(here.row - 1)), "below": sorted(beside(here.row + 1))}
