"""The review pack as one self-contained HTML document: inline SVG and CSS, nothing fetched."""

from __future__ import annotations

from engine.definition import Workflow
from engine.render import Direction, Highlight
from engine.review.changes import Changes, compare
from engine.review.diagram_section import diagram_pages, diagram_section, draw, legend
from engine.review.flow_sections import policies_section, transitions_section
from engine.review.html_parts import text
from engine.review.line_breaks import with_break_points
from engine.review.report_sections import changes_section, cover, findings_section, signoff_section
from engine.review.source import PageSize, ReviewSource, content_fingerprint
from engine.review.state_section import agents_section, states_section
from engine.review.stylesheet import stylesheet

__all__ = ["diagram_html", "review_html"]


def _changes(source: ReviewSource) -> Changes | None:
    return compare(source.previous, source.workflow) if source.previous is not None else None


def review_html(source: ReviewSource, *, paged: bool = False, direction: Direction = "TB") -> str:
    """The pack as HTML. `paged` cuts the diagram into printed pages (what the PDF is made from); otherwise
    the diagram is one drawing that scales to the window."""
    wf = source.workflow
    changes = _changes(source)
    marks = changes.marks if changes else None
    svg = draw(wf, marks, direction=direction)
    key = legend(marks)
    title = f"{wf.title} ({wf.id} v{wf.version})"
    diagram = "".join(diagram_pages(svg, key, source.page, title)) if paged else diagram_section(svg, key, title)
    body = "".join([
        cover(source, changes),
        diagram,
        states_section(wf),
        agents_section(wf, source.agents),
        transitions_section(wf),
        policies_section(wf, source.agents),
        findings_section(source),
        changes_section(changes),
        signoff_section(source),
    ])
    if paged:  # printed, a table's narrow cells break ids after `_` and `.`, never inside a word
        body = with_break_points(body)
    footer = f"{wf.id} v{wf.version} · review pack · fingerprint {content_fingerprint(wf)}"
    return _document(f"Review pack: {title}", stylesheet(source.page, footer), body)


def diagram_html(workflow: Workflow, *, page: PageSize = "A4", direction: Direction = "TB",
                 highlight: Highlight | None = None) -> str:
    """The diagram alone on printed pages (what `statewright render --page` makes a PDF of)."""
    svg = draw(workflow, direction=direction, highlight=highlight)
    title = f"{workflow.title} ({workflow.id} v{workflow.version})"
    pages = diagram_pages(svg, legend(None, highlighted=bool(highlight)), page, title)
    footer = f"{workflow.id} v{workflow.version} · diagram"
    return _document(title, stylesheet(page, footer), "".join(pages))


def _document(title: str, css: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{text(title)}</title><style>{css}</style></head><body>{body}</body></html>\n"
    )
