"""The key under a diagram's title: what each colour and line means, for the kinds the flow uses.

A reviewer signing off a printout cannot hover or look up `style.py`, so the drawing names its own colours: one
cell per kind of state present, filled and bordered as that kind is drawn, then the two kinds of line. It is
part of the graph's HTML-like title label, so it takes no place among the states. It is the same with or
without a highlighted path: a label wider by a "path" cell would shift a narrow drawing under it, and a
highlight must move nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.render.style import EDGE_COLOUR, STYLES

__all__ = ["LEGEND_NAMES", "legend_table"]

LEGEND_NAMES: dict[str, str] = {
    "task": "⚙ task",
    "choice": "choice",
    "approval": "☺ approval",
    "wait": "wait (timer or event)",
    "parallel": "parallel branches",
    "subflow": "subflow",
    "map": "↻ map (for each item)",
    "final_success": "end ✔ success",
    "final_failure": "end ✖ failure",
}
"""Each style key's words in the key; every key of `STYLES` has one."""

_FONT = '<FONT POINT-SIZE="9">{}</FONT>'


def _swatch(key: str) -> str:
    look = STYLES[key]
    return f'<TD BGCOLOR="{look.fill}" COLOR="{look.stroke}">{_FONT.format(LEGEND_NAMES[key])}</TD>'


def _line(words: str, colour: str, style: str = "") -> str:
    """A cell underlined the way an edge of that kind is drawn."""
    dashed = f' STYLE="{style}"' if style else ""
    return f'<TD SIDES="B" COLOR="{colour}"{dashed}>{_FONT.format(words)}</TD>'


def legend_table(keys: Iterable[str]) -> str:
    """An HTML-like table (Graphviz) keying the style keys used, in `STYLES`' order, and the lines."""
    used = set(keys)
    cells = [_swatch(key) for key in STYLES if key in used]
    cells += [_line("on an event", EDGE_COLOUR), _line("automatic", EDGE_COLOUR, "dashed")]
    return f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="2"><TR>{"".join(cells)}</TR></TABLE>'
