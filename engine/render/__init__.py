"""Diagrams: views over the definition, one module per format (DOT, Mermaid; SVG/PNG/PDF via Graphviz),
and the `dot` auto-layout the designer shares with them."""

from engine.render.dot import Direction, DotOptions, DotSource, dot_source, to_dot
from engine.render.graphviz_program import RenderError
from engine.render.highlight import BranchRun, Highlight, TransitionStep
from engine.render.layout import Box, GraphLayout, Point, compute_layout, layout_graph
from engine.render.mermaid import to_mermaid
from engine.render.output import FORMATS, MEDIA_TYPES, Format, render, render_pdf
from engine.render.pdf_page import PDF_PAGE_LIMIT_PT, FittedPdf
from engine.render.scopes import SEPARATOR, all_states, qualify

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "PDF_PAGE_LIMIT_PT",
    "SEPARATOR",
    "Box",
    "BranchRun",
    "Direction",
    "DotOptions",
    "DotSource",
    "FittedPdf",
    "Format",
    "GraphLayout",
    "Highlight",
    "Point",
    "RenderError",
    "TransitionStep",
    "all_states",
    "compute_layout",
    "dot_source",
    "layout_graph",
    "qualify",
    "render",
    "render_pdf",
    "to_dot",
    "to_mermaid",
]
