"""Cutting a span of the diagram (its height into rows, a row's width into columns) into pieces that each fit a
page: where nothing is drawn if it can, else where no state is, and as near as the gaps allow to equal shares — a
diagram a little taller than three pages is cut into four of about equal height, not three full ones and a strip.

Spans are (start, end) pairs along one axis, in the drawing's units; `room` is how much of it one page holds.
"""

from __future__ import annotations

from bisect import bisect_right

__all__ = ["GAP", "balanced", "pieces"]

Span = tuple[float, float]
GAP = 2.0


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + GAP:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _cut_in(blocked: list[Span], start: float, limit: float, room: float) -> float | None:
    """The last free place before `limit`, if one lies in the last two thirds of the piece."""
    for low, high in blocked:
        if low < limit < high:
            return low - GAP if low - GAP > start + room / 3 else None
    return limit


def pieces(spans: list[Span], solid: list[Span], start: float, end: float, room: float) -> list[Span]:
    """[start, end] in pieces of at most `room`, ending where nothing is (`spans`: states and labels), else
    where no state is (`solid`). Failing both, a piece ends at the page's edge and the next one starts
    before the states that edge cuts, so that each state is seen whole on some page — each state that a
    page can hold whole: one longer than a page (a state with a very long name) is cut wherever the pieces
    fall, and every piece starts further on than the one before, so the cutting ends."""
    blocked, states = _merged(spans), _merged(solid)
    found: list[Span] = []
    while end - start > room + GAP:
        limit = start + room
        cut = _cut_in(blocked, start, limit, room)
        if cut is None:
            cut = _cut_in(states, start, limit, room)
        if cut is not None:
            found.append((start, cut))
            start = cut
            continue
        found.append((start, limit))
        crossing = [low - GAP for low, high in solid
                    if low < limit < high and low - GAP > start and high - (low - GAP) <= room]
        start = min(crossing, default=limit - GAP)
    found.append((start, end))
    return found


def _free(blocked: list[Span], start: float, end: float) -> list[Span]:
    """The stretches of [start, end] that none of `blocked` (merged, in order) lies on."""
    free: list[Span] = []
    at = start
    for low, high in blocked:
        if high < start or low > end:
            continue
        if low - GAP > at:
            free.append((at, low - GAP))
        at = max(at, high + GAP)
    if at < end:
        free.append((at, end))
    return free


def _nearest(free: list[Span], starts: list[float], target: float, low: float, high: float) -> float | None:
    """The point of `free` (in order, `starts` their starts) between `low` and `high` nearest to `target`."""
    at = min(max(target, low), high)
    index = bisect_right(starts, at) - 1
    if index >= 0 and free[index][1] >= at:
        return at
    before = free[index][1] if index >= 0 and free[index][1] >= low else None
    after = free[index + 1][0] if index + 1 < len(free) and free[index + 1][0] <= high else None
    if before is None or after is None:
        return before if after is None else after
    return before if at - before <= after - at else after


def _even_cuts(free: list[Span], start: float, end: float, room: float, count: int) -> list[Span] | None:
    """[start, end] in `count` pieces of at most `room`, each cut in `free` as near its equal share as it can
    be; None when the gaps do not allow it."""
    cuts = [start]
    starts = [a for a, _ in free]
    for k in range(1, count):
        target = start + k * (end - start) / count
        low, high = max(cuts[-1] + GAP, end - (count - k) * room), cuts[-1] + room
        cut = _nearest(free, starts, target, low, high) if low <= high else None
        if cut is None:
            return None
        cuts.append(cut)
    if end - cuts[-1] > room:
        return None
    return list(zip(cuts, [*cuts[1:], end], strict=True))


def balanced(spans: list[Span], solid: list[Span], start: float, end: float, room: float) -> list[Span]:
    """As many pieces as `pieces` cuts, but of about equal length where gaps between states and labels (else
    between states) allow: no last piece holding a strip."""
    greedy = pieces(spans, solid, start, end, room)
    if len(greedy) == 1:
        return greedy
    for blocked in (_merged(spans), _merged(solid)):
        even = _even_cuts(_free(blocked, start, end), start, end, room, len(greedy))
        if even is not None:
            return even
    return greedy
