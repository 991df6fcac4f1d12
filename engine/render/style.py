"""How each kind of state looks: one shape and palette per state type (and per final outcome).

Every format draws from this table, so a task is the same blue box in the SVG, the PDF and Mermaid.
A final state is a compact box with a double border, not a double circle: Graphviz sizes a circle to its
label, so a titled final state became a circle several times the height of every other state. Its outcome
is told three ways, so it reads in grey print and to a colour-blind reader too: green or red, rounded or
square corners, and a ✔ or ✖ before the word.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.definition import FinalState, State

__all__ = [
    "DIM_FILL",
    "DIM_STROKE",
    "DIM_TEXT",
    "EDGE_COLOUR",
    "FONT",
    "HIGHLIGHT",
    "MARKER",
    "STYLES",
    "TEXT",
    "NodeStyle",
    "style_key",
    "style_of",
]

FONT = "Helvetica,Arial,sans-serif"
TEXT = "#263238"
EDGE_COLOUR = "#546e7a"
MARKER = "#263238"  # start dot, fork and join bars
HIGHLIGHT = "#ff6f00"  # an instance's path: orange stands apart from every palette below
DIM_STROKE = "#cfd8dc"
DIM_FILL = "#f7f9fa"
DIM_TEXT = "#a0aab0"


@dataclass(frozen=True, slots=True)
class NodeStyle:
    """A Graphviz shape with its style flags, and the colours every format uses."""

    shape: str
    fill: str
    stroke: str
    flags: str = "filled"
    peripheries: int = 1
    cue: str = ""  # a glyph put before the detail line (fonts: DejaVu Sans covers it)


STYLES: dict[str, NodeStyle] = {
    "task": NodeStyle("box", "#e3f2fd", "#1e88e5", "rounded,filled", cue="⚙ "),
    "choice": NodeStyle("diamond", "#fff8e1", "#f9a825"),
    "approval": NodeStyle("hexagon", "#f3e5f5", "#8e24aa", "filled,bold", cue="☺ "),
    "wait": NodeStyle("ellipse", "#e0f2f1", "#00897b", "filled,dashed"),
    "parallel": NodeStyle("box", "#fafafa", "#546e7a", "rounded,filled"),
    "subflow": NodeStyle("component", "#e8eaf6", "#3949ab"),
    "map": NodeStyle("component", "#ede7f6", "#5e35b1", "rounded,filled", cue="↻ "),
    "final_success": NodeStyle("box", "#e8f5e9", "#2e7d32", "rounded,filled", peripheries=2, cue="✔ "),
    "final_failure": NodeStyle("box", "#ffebee", "#c62828", "filled", peripheries=2, cue="✖ "),
}


def style_key(state: State) -> str:
    """'task', 'choice', ..., or 'final_success' / 'final_failure' for a final state."""
    if isinstance(state, FinalState):
        return f"final_{state.outcome}"
    return state.type


def style_of(state: State) -> NodeStyle:
    return STYLES[style_key(state)]
