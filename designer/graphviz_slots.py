"""Graphviz's share of the server: how big a graph a request may ask it to lay out, and how many of its runs one
user may hold at once.

Every layout and every drawn diagram (`/api/layout`, `/api/layout/canvas`, `/api/render`, a definition's or a
draft's `/diagram` and `/layout`, the review pack) runs `dot` in a thread of the server, for up to 30 s (20 s
for the canvas) before it is killed. Two guards keep one user from taking that from everyone:

- **Size, before Graphviz runs.** A graph of more than `MAX_DRAWN_EDGES` edges (one per transition and source,
  branches included) is refused with `422 diagram-too-large`, saying how many it has and the limit. Measured
  on the development machine (2 shared CPUs, Graphviz 2.43), shaped like real flows — chains of tasks with error paths,
  choices, approvals, retry loops (bench/bench_validation.py's `generate`) — `dot` lays out 12,000 edges (5,000
  states) in 1.7 s and draws them as SVG in 3-5 s, 24,000 edges (10,000 states) in 4-7 s, and a 10,000-state
  chain in 1.3 s; a loaded machine stretches that two- or threefold. 10,000 edges keeps the realistic flows
  that can be drawn within ~10 s even so (every shipped flow has fewer than 40, the largest flow a test draws
  about 720, a 5,000-state chain 4,999). Past the size, `dot`'s time depends on the shape more than on the
  count: a flow of 22 states each linked to every other (484 edges) took 4-11 s, of 30 (900 edges) 110 s, and
  the 121 such states of the report (14,641 edges, refused here) over 120 s — and 121 states each linked to
  the two before and after it, 478 edges, over a minute too (`dot`'s ranks for it are not the estimate
  engine/render/ranks.py makes, so its long edges are not set apart). No count can tell every slow shape from a
  fast one, so the slots below bound what such a flow costs the others.
- **Slots.** At most `slots` Graphviz runs at once on the server, and at most `per_user` of them (running, or
  waiting for a slot) for one user: the next is `429 too-many-diagrams` at once, with `Retry-After`, so another
  user's diagram never waits behind one user's. A request that finds every slot taken (by several users) waits
  for one as long as a run may take, then is `503 diagrams-busy` with `Retry-After`.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from designer.canvas_layout import CanvasEdge, CanvasNode, busy_targets
from designer.errors import DiagramsBusy, DiagramTooLarge, TooManyDiagrams
from engine.definition import Workflow
from engine.render import GraphLayout, layout_graph
from engine.render.graphviz_program import DEFAULT_TIMEOUT_S
from engine.render.scopes import iter_scopes

__all__ = [
    "MAX_DRAWN_EDGES",
    "GraphvizSlots",
    "canvas_edges",
    "drawn_edges",
    "laid_out",
    "refuse_undrawable",
]

MAX_DRAWN_EDGES = 10_000
SLOTS = 6
SLOTS_PER_USER = 2


def drawn_edges(workflow: Workflow) -> int:
    """The edges a diagram of `workflow` has: one per transition and source (a transition from several states
    draws one from each), in the top level and in every parallel branch and map iterator."""
    return sum(1 for scope in iter_scopes(workflow) for _ in scope.edges())


def canvas_edges(nodes: Sequence[CanvasNode], edges: Sequence[CanvasEdge]) -> int:
    """The edges of a canvas's graph that `dot` lays out: between two of its nodes, none of them set apart."""
    apart = busy_targets(nodes, edges)
    known = {n.id for n in nodes} - apart
    return sum(1 for e in edges if e.source in known and e.target in known)


def refuse_undrawable(edges: int, what: str = "the flow", *, instead: str = "") -> None:
    """`DiagramTooLarge` when a graph of `edges` edges is more than Graphviz lays out in time."""
    if edges > MAX_DRAWN_EDGES:
        raise DiagramTooLarge(
            f"{what} has {edges:,} edges to draw, more than the {MAX_DRAWN_EDGES:,} Graphviz lays out in time "
            f"(an edge per transition and source, branches included), so it is not laid out or drawn"
            f"{'; ' + instead if instead else ''}",
            edges=edges, limit=MAX_DRAWN_EDGES)


def laid_out(workflow: Workflow, *, graphviz: GraphvizSlots, user: object) -> GraphLayout:
    """`dot`'s layout of `workflow` (the editor's auto-layout), in one of `user`'s slots."""
    with graphviz.draw(user, drawn_edges(workflow)):
        return layout_graph(workflow)


class GraphvizSlots:
    """How many Graphviz runs the server makes at once (`slots`), and one user at most (`per_user`)."""

    def __init__(self, slots: int = SLOTS, per_user: int = SLOTS_PER_USER, *,
                 longest_s: float = DEFAULT_TIMEOUT_S) -> None:
        if not 1 <= per_user <= slots:
            raise ValueError(f"per_user must be 1 to slots ({slots}), not {per_user}")
        self.slots = slots
        self.per_user = per_user
        self.longest_s = longest_s  # a run is killed after this long: a slot is free again by then
        self._changed = threading.Condition()
        self._running = 0
        self._users: dict[object, list[float]] = {}  # user -> when each of theirs asked (running or waiting)

    def held(self, user: object) -> int:
        """How many drawings `user` has running or waiting for a slot."""
        with self._changed:
            return len(self._users.get(user, ()))

    @contextmanager
    def drawing(self, user: object) -> Iterator[None]:
        """Hold one slot for `user` while Graphviz runs; `TooManyDiagrams` at once when they hold their share,
        `DiagramsBusy` when no slot frees up for `longest_s`."""
        asked = time.monotonic()
        with self._changed:
            mine = self._users.setdefault(user, [])
            if len(mine) >= self.per_user:
                wait = max(1, math.ceil(min(mine) + self.longest_s - asked))
                raise TooManyDiagrams(
                    f"you have {len(mine)} diagrams or layouts being drawn already, as many as one user may at once "
                    f"(Graphviz draws {self.slots} at a time for everyone, at most {self.per_user} for one user, so "
                    f"that one user's drawings never hold up the others'); ask again when one of yours is done, "
                    f"within {wait} s", retry_after_s=wait)
            mine.append(asked)
            free = False
            try:
                free = self._changed.wait_for(lambda: self._running < self.slots, timeout=self.longest_s)
            finally:
                if not free:
                    self._leave(user, asked)
            if not free:
                raise DiagramsBusy(
                    f"all {self.slots} of the server's Graphviz slots stayed taken by other users' drawings for "
                    f"{self.longest_s:g} s; ask again shortly", retry_after_s=max(1, math.ceil(self.longest_s / 6)))
            self._running += 1
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._leave(user, asked)

    @contextmanager
    def draw(self, user: object, edges: int, what: str = "the flow", *, instead: str = "") -> Iterator[None]:
        """The size check, then a slot for `user` (see `drawing`): around every Graphviz run a request makes."""
        refuse_undrawable(edges, what, instead=instead)
        with self.drawing(user):
            yield

    def _leave(self, user: object, asked: float) -> None:
        mine = self._users[user]
        mine.remove(asked)
        if not mine:
            del self._users[user]
        self._changed.notify_all()
