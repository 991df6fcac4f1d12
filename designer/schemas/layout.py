"""Auto-layout positions for the editor, from the same Graphviz run that draws the exported diagrams."""

from __future__ import annotations

from pydantic import BaseModel, Field

from engine.render import GraphLayout

__all__ = ["LayoutBox", "LayoutRead"]


class LayoutBox(BaseModel):
    x: float = Field(description="Left edge, in points (SVG user units), from the top-left corner.")
    y: float = Field(description="Top edge; y points down.")
    width: float
    height: float


class LayoutRead(BaseModel):
    states: dict[str, LayoutBox] = Field(
        description="Every state by qualified id (`enrich/crm/lookup` inside a parallel branch); "
        "a parallel state's box holds its branches."
    )
    edges: dict[str, list[tuple[float, float]]] = Field(
        description="Each drawn transition by id (`t3:extract` is transition 3 leaving `extract`; "
        "`enrich/crm/t0:a` inside a branch; `:start>extract` is the start arrow): its Bézier control points, "
        "then the arrow tip."
    )
    width: float
    height: float

    @classmethod
    def of(cls, layout: GraphLayout) -> LayoutRead:
        return cls(
            states={
                qid: LayoutBox(x=box.x, y=box.y, width=box.width, height=box.height)
                for qid, box in layout.boxes.items()
            },
            edges={eid: [(x, y) for x, y in points] for eid, points in layout.edges.items()},
            width=layout.width,
            height=layout.height,
        )
