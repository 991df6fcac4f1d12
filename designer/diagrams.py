"""Diagram responses: a workflow drawn by the engine's renderer, with the right media type and file name."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Response
from litestar.params import QueryParameter

from designer.graphviz_slots import GraphvizSlots, drawn_edges
from engine.definition import Workflow
from engine.render import MEDIA_TYPES, Format, Highlight, render

__all__ = ["DiagramFormat", "Download", "diagram_response"]

DiagramFormat = Annotated[
    Literal["svg", "png", "pdf", "dot", "mermaid"],
    QueryParameter(description="svg, png, pdf, dot or mermaid."),
]
Download = Annotated[bool, QueryParameter(description="Send as an attachment (a file to save).")]

_SUFFIX: dict[str, str] = {"svg": "svg", "png": "png", "pdf": "pdf", "dot": "dot", "mermaid": "mmd"}
_TEXT = frozenset({"dot", "mermaid"})


def diagram_response(
    workflow: Workflow,
    fmt: Format,
    *,
    graphviz: GraphvizSlots,
    user: object,
    highlight: Highlight | None = None,
    download: bool = False,
    name: str = "",
) -> Response[Any]:
    """`workflow` drawn in `fmt`: in one of `user`'s Graphviz slots, and only when it is small enough to draw in
    time (designer/graphviz_slots.py); DOT and Mermaid are text made without Graphviz, of any size."""
    if fmt in _TEXT:
        body = render(workflow, fmt, highlight)
    else:
        with graphviz.draw(user, drawn_edges(workflow),
                           instead="its DOT or Mermaid text (format=dot or format=mermaid) needs no Graphviz"):
            body = render(workflow, fmt, highlight)
    filename = f"{name or workflow.id}-v{workflow.version}.{_SUFFIX[fmt]}"
    disposition = "attachment" if download else "inline"
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt].split(";")[0],
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"', "Cache-Control": "no-cache"},
    )
