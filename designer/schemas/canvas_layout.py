"""The canvas's graph sent for a server-side layout, and the positions and routes sent back (see
designer/canvas_layout.py): the browser draws what it sent, so sizes and ids are its own."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from designer.canvas_layout import CanvasEdge, CanvasLayout, CanvasNode
from engine.errors import InvalidInput

__all__ = ["CanvasGraphBody", "CanvasLayoutRead", "CanvasPoint"]

_MAX_NODES = 10_000
_MAX_EDGES = 40_000


class CanvasNodeBody(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=600)
    width: float = Field(gt=0, le=2000, description="On-screen width in canvas pixels.")
    height: float = Field(gt=0, le=2000)


class CanvasEdgeBody(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=700, description="The canvas's edge id; the route comes back under it.")
    source: str = Field(min_length=1, max_length=600)
    target: str = Field(min_length=1, max_length=600)


class CanvasGraphBody(BaseModel):
    """The nodes and edges the canvas draws; edges naming an unknown node are left out of the layout."""

    model_config = ConfigDict(extra="forbid")

    direction: Literal["TB", "LR"] = Field("TB", description="Top to bottom, or left to right.")
    nodes: list[CanvasNodeBody] = Field(min_length=1, max_length=_MAX_NODES)
    edges: list[CanvasEdgeBody] = Field(default_factory=list, max_length=_MAX_EDGES)

    def nodes_and_edges(self) -> tuple[list[CanvasNode], list[CanvasEdge]]:
        """The graph to lay out; `InvalidInput` for a node (or edge) id given twice: positions and routes come
        back by id, so the second would be merged into the first without a word. A 422: the document cannot
        say "unique by id" (uniqueItems compares whole items)."""
        for kind, ids in (("node", [n.id for n in self.nodes]), ("edge", [e.id for e in self.edges])):
            twice = next((found for found, count in Counter(ids).items() if count > 1), None)
            if twice is not None:
                raise InvalidInput(f"{kind}s: the {kind} id '{twice[:80]}' is given twice; each {kind} has its "
                                   "own id")
        return (
            [CanvasNode(n.id, n.width, n.height) for n in self.nodes],
            [CanvasEdge(e.id, e.source, e.target) for e in self.edges],
        )


class CanvasPoint(BaseModel):
    x: float
    y: float


class CanvasLayoutRead(BaseModel):
    positions: dict[str, CanvasPoint] = Field(description="Each node's top-left corner, in canvas pixels.")
    routes: dict[str, list[CanvasPoint]] = Field(
        description="Each laid-out edge by id: a polyline from its source's exit to its target's entry (the arrow tip)."
    )

    @classmethod
    def of(cls, layout: CanvasLayout) -> CanvasLayoutRead:
        return cls(
            positions={nid: CanvasPoint(x=x, y=y) for nid, (x, y) in layout.positions.items()},
            routes={eid: [CanvasPoint(x=x, y=y) for x, y in points] for eid, points in layout.routes.items()},
        )
