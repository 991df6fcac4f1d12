"""Small pieces of HTML for the review pack: every piece of definition text goes through `text`."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["Markup", "code", "items", "section", "table", "text"]


class Markup(str):
    """HTML already escaped: `table` and `section` put it in as is."""

    __slots__ = ()


def text(value: object) -> Markup:
    """Any value as escaped HTML; a Markup passes through unchanged."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape("—" if value is None or value == "" else str(value)))


def code(value: str) -> Markup:
    return Markup(f"<code>{html.escape(value)}</code>")


def items(values: Iterable[object], *, joiner: str = "<br>") -> Markup:
    return Markup(joiner.join(text(v) for v in values) or "—")


def table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, css: str = "", widths: Sequence[int] = ()
) -> Markup:
    """A table; `widths` (percent, one per column) fix the column widths, as long guards need."""
    head = "".join(f"<th>{text(h)}</th>" for h in headers)
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    if cols:
        css, cols = f"{css} fixed".strip(), f"<colgroup>{cols}</colgroup>"
    body = "".join("<tr>" + "".join(f"<td>{text(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    if not body:
        return Markup('<p class="none">None.</p>')
    return Markup(f'<table class="{css}">{cols}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')


def section(anchor: str, title: str, *parts: str, css: str = "") -> Markup:
    return Markup(f'<section id="{anchor}" class="{css}"><h2>{text(title)}</h2>{"".join(parts)}</section>')
