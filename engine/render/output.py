"""One entry point for every diagram format: DOT and Mermaid are text; SVG, PNG and PDF come from Graphviz.

A flow whose layout needs no detached edges (see `long_edges`) is drawn by `dot` in one pass. Otherwise
`dot` lays out the flow without them (exactly what `compute_layout` gives the designer), their labels are
placed where that layout leaves room (`detached_labels`, reading the `json0` of the same `dot` run) and
`neato -n2` draws the detached edges straight over that finished layout. A one-page PDF too large for PDF's
page is drawn a second time, scaled (see `pdf_page`): over the same layout, which `dot` computes once.
"""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Literal, get_args

from engine.definition import Workflow
from engine.errors import InvalidInput
from engine.render.detached_labels import place_detached_labels
from engine.render.dot import DotOptions, DotSource, dot_source
from engine.render.graphviz_program import DEFAULT_TIMEOUT_S, RenderError, run_graphviz
from engine.render.highlight import Highlight
from engine.render.mermaid import to_mermaid
from engine.render.one_page import PAGE_DPI, legible_scale, smallest_font
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
    if fmt == "png" and options and options.fit_inches:
        return _png_on_one_page(workflow, highlight, options, options.fit_inches, timeout_s)
    return _render_graphviz(workflow, fmt, highlight, options, timeout_s)


def _png_on_one_page(workflow: Workflow, highlight: Highlight | None, options: DotOptions,
                     fit: tuple[float, float], timeout_s: float) -> bytes:
    """The PNG for one page (see `one_page`): laid out at full size first, to know how far it would shrink,
    then drawn over that layout, shrunk, at `PAGE_DPI`. InvalidInput when its text would be illegible."""
    deadline = time.monotonic() + timeout_s
    source = dot_source(workflow, highlight, dataclasses.replace(options, fit_inches=None))
    placed = _lay_out(source, timeout_s)
    legible_scale(placed.size, fit, smallest_font(source.text))
    return _draw_detached(placed, "png", _left(deadline, timeout_s), fit, dpi=PAGE_DPI)


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
            remaining = _left(deadline, timeout_s) if fit is None else timeout_s
            return _draw_detached(placed, "pdf", remaining, fit)

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
    return _draw_detached(placed, fmt, _left(deadline, timeout_s))


def _left(deadline: float, timeout_s: float) -> float:
    """The seconds left for drawing over a layout made by `deadline`'s clock; RenderError when none are: the layout
    and the placing of its labels took the whole time (not "Graphviz took longer than 0.1 s")."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise RenderError(f"drawing the flow took longer than {timeout_s:g} s (laying it out and placing its "
                          "labels) and was stopped")
    return left


@dataclasses.dataclass(frozen=True, slots=True)
class _Placed:
    """The flow without its detached edges as `dot` positioned it (the graph, still open for those edges), the
    detached edges' statements with their labels placed, and the size of the layout (points)."""

    graph: str
    detached: tuple[str, ...]
    size: tuple[float, float]


_JSON_AFTER_DOT = "\n}\n{"
"""`dot -Tdot -Tjson0` writes both outputs of one layout, one after the other. The DOT graph is closed by the only
`}` at the start of a line that is followed by a line break (a quoted string broken over lines ends each line in
a backslash), and the JSON opens right after it."""


def _lay_out(source: DotSource, timeout_s: float) -> _Placed:
    both = run_graphviz(source.layout_text, "dot", options=("-Tjson0",), timeout_s=timeout_s).decode("utf-8")
    end = both.find(_JSON_AFTER_DOT)
    if end < 0:
        raise RenderError("Graphviz wrote a layout without its JSON")
    try:
        layout = json.loads(both[end + 3:])
    except ValueError as exc:
        raise RenderError(f"Graphviz returned a layout that is not JSON: {exc}") from exc
    x0, y0, x1, y1 = (float(n) for n in str(layout.get("bb", "0,0,0,0")).split(","))
    detached = place_detached_labels(layout, source.detached, source.detached_labels)
    return _Placed(both[: end + 1], detached, (x1 - x0, y1 - y0))


def _draw_detached(
    placed: _Placed, fmt: str, timeout_s: float, fit: tuple[float, float] | None = None, *, dpi: int | None = None
) -> bytes:
    """The laid-out flow drawn with its detached edges straight over it; scaled down into `fit` (inches, as
    Graphviz's `size`) when given, at `dpi` (a bitmap's pixels per inch) when given."""
    combined = placed.graph + "\n".join(placed.detached) + "\n}\n"
    options = ("-n2", "-Gsplines=false", *((f"-Gsize={fit[0]:.2f},{fit[1]:.2f}",) if fit else ()),
               *((f"-Gdpi={dpi}",) if dpi else ()))
    return run_graphviz(combined, fmt, program="neato", options=options, timeout_s=timeout_s)
