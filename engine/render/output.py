"""One entry point for every diagram format: DOT and Mermaid are text; SVG, PNG and PDF come from Graphviz.

A flow whose layout needs no detached edges (see `long_edges`) is drawn by `dot` in one pass. Otherwise
`dot` lays out the flow without them (exactly what `compute_layout` gives the designer) and
`neato -n2` draws the detached edges straight over that finished layout. A one-page PDF too large for PDF's
page is drawn a second time, scaled (see `pdf_page`): over the same layout, which `dot` computes once.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Literal, get_args

from engine.definition import Workflow
from engine.errors import InvalidInput
from engine.render.dot import DotOptions, DotSource, dot_source
from engine.render.graphviz_program import DEFAULT_TIMEOUT_S, run_graphviz
from engine.render.highlight import Highlight
from engine.render.mermaid import to_mermaid
from engine.render.pdf_page import FittedPdf, fit_pdf

__all__ = ["FORMATS", "MEDIA_TYPES", "Format", "render", "render_pdf"]

Format = Literal["svg", "png", "pdf", "dot", "mermaid"]
FORMATS: tuple[Format, ...] = get_args(Format)
MEDIA_TYPES: dict[Format, str] = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "dot": "text/vnd.graphviz; charset=utf-8",
    "mermaid": "text/vnd.mermaid; charset=utf-8",
}


def render(
    workflow: Workflow,
    fmt: Format,
    highlight: Highlight | None = None,
    *,
    options: DotOptions | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> bytes:
    """The workflow drawn in `fmt` (`options` apply to the Graphviz formats; Mermaid takes their direction).
    Raises RenderError when Graphviz is missing, fails or times out."""
    if fmt == "mermaid":
        return to_mermaid(workflow, highlight, direction=options.direction if options else None).encode("utf-8")
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown diagram format '{fmt}'; choose one of {', '.join(FORMATS)}")
    if fmt == "pdf" and not (options and options.fit_inches):
        return render_pdf(workflow, highlight, options=options, timeout_s=timeout_s).data
    return _render_graphviz(workflow, fmt, highlight, options, timeout_s)


def render_pdf(
    workflow: Workflow,
    highlight: Highlight | None = None,
    *,
    options: DotOptions | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> FittedPdf:
    """The workflow as a one-page PDF within PDF's page limit: scaled down to fit where it is larger (see
    `pdf_page`); the result says by how much."""
    chosen = options or DotOptions()
    source = dot_source(workflow, highlight, chosen)
    if source.detached:
        # The size to fit changes the drawing's scale, not its layout: both drawings are made over one layout.
        deadline = time.monotonic() + timeout_s
        placed = _lay_out(source, timeout_s)

        def draw_over(fit: tuple[float, float] | None) -> bytes:
            remaining = max(deadline - time.monotonic(), 0.1) if fit is None else timeout_s
            return _draw_detached(source, placed, "pdf", remaining, fit)

        return fit_pdf(draw_over)

    def draw(fit: tuple[float, float] | None) -> bytes:
        drawn = dot_source(workflow, highlight, dataclasses.replace(chosen, fit_inches=fit)) if fit else source
        return run_graphviz(drawn.text, "pdf", timeout_s=timeout_s)

    return fit_pdf(draw)


def _render_graphviz(
    workflow: Workflow, fmt: Format, highlight: Highlight | None, options: DotOptions | None, timeout_s: float
) -> bytes:
    source = dot_source(workflow, highlight, options)
    if fmt == "dot":
        return source.text.encode("utf-8")
    if not source.detached:
        return run_graphviz(source.text, fmt, timeout_s=timeout_s)
    return _draw_over_layout(source, fmt, timeout_s)


def _draw_over_layout(source: DotSource, fmt: str, timeout_s: float) -> bytes:
    deadline = time.monotonic() + timeout_s
    placed = _lay_out(source, timeout_s)
    return _draw_detached(source, placed, fmt, max(deadline - time.monotonic(), 0.1))


def _lay_out(source: DotSource, timeout_s: float) -> str:
    """The flow without its detached edges as `dot` positioned it: the graph, still open for those edges."""
    placed = run_graphviz(source.layout_text, "dot", timeout_s=timeout_s).decode("utf-8")
    return placed[: placed.rindex("}")]


def _draw_detached(
    source: DotSource, placed: str, fmt: str, timeout_s: float, fit: tuple[float, float] | None = None
) -> bytes:
    """The laid-out flow drawn with its detached edges straight over it; scaled down into `fit` (inches, as
    Graphviz's `size`) when given."""
    combined = placed + "\n".join(source.detached) + "\n}\n"
    options = ("-n2", "-Gsplines=false", *((f"-Gsize={fit[0]:.2f},{fit[1]:.2f}",) if fit else ()))
    return run_graphviz(combined, fmt, program="neato", options=options, timeout_s=timeout_s)
