"""The diagram in the review pack: drawn compact, changes marked, with a legend; whole for a screen, or cut
into printed pages whose smallest text is at least `MIN_TEXT_PT`."""

from __future__ import annotations

from engine.definition import Workflow
from engine.render import Direction, DotOptions, Highlight, render
from engine.render.style import STYLES
from engine.review.changes import ChangeMarks
from engine.review.diagram_svg import ADDED, CHANGED, DiagramSvg, read_svg
from engine.review.html_parts import Markup, text
from engine.review.paging import DiagramPage, neighbours, plan_pages
from engine.review.source import PageSize

__all__ = ["diagram_pages", "diagram_section", "draw", "legend"]

_NAMES = {
    "task": "task", "choice": "choice", "approval": "approval", "wait": "wait", "parallel": "parallel",
    "subflow": "subflow", "map": "map (for each item)", "final_success": "final: success",
    "final_failure": "final: failure",
}


def draw(workflow: Workflow, marks: ChangeMarks | None = None, *, direction: Direction = "TB",
         highlight: Highlight | None = None) -> DiagramSvg:
    """The workflow drawn for print: narrow labels, numbered transitions, changes outlined."""
    svg = read_svg(render(workflow, "svg", highlight, options=DotOptions(direction=direction, compact=True)))
    if marks:
        svg.mark(marks)
    return svg


def legend(marks: ChangeMarks | None, *, highlighted: bool = False) -> Markup:
    swatches = "".join(
        f'<span class="key"><span class="swatch {key}" style="background:{look.fill};border-color:{look.stroke}">'
        f"</span>{text(_NAMES[key])}</span>"
        for key, look in STYLES.items()
    )
    edges = ('<span class="key"><span class="line solid"></span>on an event (trigger)</span>'
             '<span class="key"><span class="line dashed"></span>automatic (auto, guarded)</span>'
             '<span class="key">T3 = row T3 of Transitions</span>')
    extra = ""
    if marks:
        extra = (f'<span class="key"><span class="swatch" style="border-color:{ADDED};border-width:2px"></span>'
                 f'NEW since the previous version</span><span class="key"><span class="swatch" '
                 f'style="border-color:{CHANGED};border-width:2px"></span>CHANGED</span>')
        if marks.renamed_states:
            extra += '<span class="key">RENAMED from its old id</span>'
    if highlighted:
        extra += '<span class="key"><span class="line path"></span>the path the instance took</span>'
    return Markup(f'<div class="legend">{swatches}{edges}{extra}</div>')


def _where(page: DiagramPage, number: int, total: int) -> str:
    if total == 1:
        return ""
    grid = f" — row {page.row} of {page.rows}" + (f", column {page.column} of {page.columns}"
                                                 if page.columns > 1 else "")
    return f"part {number} of {total}{grid}"


def _parts(numbers: list[int]) -> str:
    """`part 3`, `parts 5 and 7`, `parts 5 to 8`."""
    if len(numbers) == 1:
        return f"part {numbers[0]}"
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"parts {numbers[0]} to {numbers[-1]}"
    return f"parts {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


_WAYS = (("right", "to the right on {} →"), ("left", "to the left on {} ←"), ("below", "below on {} ↓"),
         ("above", "above on {} ↑"))


def _continues(pages: list[DiagramPage], index: int) -> str:
    """Where the diagram goes on from this part, each way by the parts' numbers: the parts are read as the flow
    goes, so the next part is not always the one to the right."""
    around = neighbours(pages, index)
    ways = [way.format(_parts(around[side])) for side, way in _WAYS if around[side]]
    return f"continues {', '.join(ways)}" if ways else ""


def diagram_pages(svg: DiagramSvg, key: Markup, page: PageSize, title: str) -> list[Markup]:
    """One section per printed page of the diagram, each with its place in the whole and the legend. The
    drawing's title is moved onto part 1, and each id of the drawing is written on one part only, so every
    anchor is defined once."""
    pages = plan_pages(svg, page)
    svg.move_title(pages[0].area)
    homes = svg.homes([piece.area for piece in pages])
    out = []
    for number, piece in enumerate(pages, start=1):
        where = _where(piece, number, len(pages))
        drawing = svg.window(piece.area, piece.scale, label=f"{title} {where}".strip(), anchors=homes[number - 1])
        anchor = ' id="diagram"' if number == 1 else ""
        out.append(Markup(
            f'<section class="diagram-page {piece.orientation}"{anchor}>'
            f'<h2>Diagram <span class="where">{text(where)}</span></h2>'
            f'<div class="frame">{drawing}</div>'
            f'<p class="continues">{text(_continues(pages, number - 1))}</p>{key}</section>'
        ))
    return out


def diagram_section(svg: DiagramSvg, key: Markup, title: str) -> Markup:
    """The whole diagram in one scalable drawing, for a screen."""
    return Markup(f'<section id="diagram" class="diagram-whole"><h2>Diagram</h2>{key}'
                  f'<div class="scroll">{svg.whole(label=title)}</div></section>')
