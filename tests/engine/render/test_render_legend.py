"""The legend under the title: one cell per kind of state the flow uses, in that kind's colours, and the lines."""

from __future__ import annotations

import html
import re

from render_support import chain, graphviz_json, sample, svg_root, svg_texts

from engine.render import DotOptions, Highlight, render, to_dot
from engine.render.legend import LEGEND_NAMES
from engine.render.style import STYLES

_SWATCH = re.compile(r'<TD BGCOLOR="(#\w+)" COLOR="(#\w+)"><FONT POINT-SIZE="9">([^<]*)</FONT></TD>')
_LINE = re.compile(r'<TD SIDES="B" COLOR="(#\w+)"(?: STYLE="(\w+)")?><FONT POINT-SIZE="9">([^<]*)</FONT></TD>')


def swatches(dot: str) -> dict[str, tuple[str, str]]:
    """Legend words → (fill, border), read from the graph's label."""
    return {html.unescape(words): (fill, border) for fill, border, words in _SWATCH.findall(dot)}


def test_the_legend_keys_each_kind_of_state_the_flow_uses_in_its_colours() -> None:
    used = ["task", "choice", "approval", "wait", "parallel", "subflow", "final_success", "final_failure"]
    expected = {LEGEND_NAMES[key]: (STYLES[key].fill, STYLES[key].stroke) for key in used}
    assert swatches(to_dot(sample())) == expected  # no map in the sample, so no map in its key


def test_a_flow_without_parallel_states_keys_none() -> None:
    keyed = swatches(to_dot(chain(8)))
    assert LEGEND_NAMES["parallel"] not in keyed
    assert LEGEND_NAMES["approval"] in keyed


def test_the_legend_keys_the_lines_the_same_with_a_highlight() -> None:
    plain = _LINE.findall(to_dot(sample()))
    assert [(style, words) for _, style, words in plain] == [("", "on an event"), ("dashed", "automatic")]
    path = Highlight(states=frozenset({"extract"}))
    assert _LINE.findall(to_dot(sample(), path)) == plain  # a wider title would move the drawing


def test_graphviz_draws_the_legend_under_the_title() -> None:
    label = graphviz_json(to_dot(sample()))["label"]
    assert "end ✔ success" in html.unescape(label)
    texts = svg_texts(svg_root(render(sample(), "svg")))
    assert texts.index("Lead qualification") < texts.index("⚙ task") < texts.index("end ✖ failure")


def test_the_compact_drawing_leaves_the_legend_to_the_review_pack() -> None:
    assert swatches(to_dot(sample(), options=DotOptions(compact=True))) == {}


def test_every_style_has_words_in_the_legend() -> None:
    assert set(LEGEND_NAMES) == set(STYLES)
