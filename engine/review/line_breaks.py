"""Where the printed tables may break a line: between words, and inside an identifier only after a `_` or a `.`
(`severity_` / `route`, `classification.` / `priority`, `matches[0].` / `score`), never inside a word
(`severity_rout` / `e`).

A table cell of the printed pack is narrow and fixed, and an id has no space to break at, so WeasyPrint broke it
wherever the cell ended. Each `_` or `.` between letters or digits in a table's text is followed by a zero-width
space (U+200B: WeasyPrint honours it where it ignores most `<wbr>`s next to other inline boxes, and it is not in
the PDF's text, so an id copied from it reads as written), and an arrow `->` is kept whole. The screen HTML is
left as written: a browser lays its tables out as wide as the window.
"""

from __future__ import annotations

import re

__all__ = ["with_break_points"]

_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_TAG = re.compile(r"(<[^>]*>)")
_AFTER = re.compile(r"(?<=[^\W_]_)(?=[^\W_])|(?<=[^\W\d_]\.|[\])]\.)(?=[^\W\d_])")
_ARROW = "-&gt;"
_BREAK = "\u200b"


def _text(part: str) -> str:
    return _AFTER.sub(_BREAK, part).replace(_ARROW, f'<span class="nobr">{_ARROW}</span>')


def _table(found: re.Match[str]) -> str:
    return "".join(part if part.startswith("<") else _text(part) for part in _TAG.split(found.group(0)))


def with_break_points(document: str) -> str:
    """`document` with break points after `_` and `.` inside the words of its tables (and nowhere else)."""
    return _TABLE.sub(_table, document)
