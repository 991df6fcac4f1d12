"""The layout the designer reads is laid out from a geometry-only DOT text: what moves nothing in `dot`
(colours, classes, tooltips, detached edges) is left out, and every state still lands where the drawing has it."""

from __future__ import annotations

import json

import pytest
from render_support import chain, sample

from bench.bench_validation import generate
from definitions import WORKFLOWS_DIR
from engine.definition import Workflow
from engine.render import dot_source, layout_graph
from engine.render.dot import DotOptions
from engine.render.graphviz_program import run_graphviz
from engine.render.layout import GraphLayout, _parse
from engine.validation.loader import require_workflow

SHIPPED = sorted(WORKFLOWS_DIR.glob("*.json"))


def drawn_layout(workflow: Workflow) -> GraphLayout:
    """Where `dot` puts everything when it lays out the full text, the one the exported diagrams are drawn from."""
    return _parse(json.loads(run_graphviz(dot_source(workflow).layout_text, "json0")), workflow)


def cases() -> list[tuple[str, Workflow]]:
    shipped = [(path.stem, require_workflow(path)) for path in SHIPPED]
    built = [("sample", sample()), ("chain of 60", chain(60)), ("generated 300", require_workflow(generate(300)))]
    return [*shipped, *built]


@pytest.mark.parametrize(("name", "workflow"), cases(), ids=[name for name, _ in cases()])
def test_every_box_and_route_is_where_the_full_text_puts_it(name: str, workflow: Workflow) -> None:
    assert layout_graph(workflow) == drawn_layout(workflow)


def test_the_geometry_text_leaves_out_looks_and_detached_edges_but_keeps_labels_and_shapes() -> None:
    workflow = chain(60)
    full = dot_source(workflow)
    geometry = dot_source(workflow, options=DotOptions(geometry_only=True))
    assert full.detached
    assert not geometry.detached
    for attribute in ("tooltip=", "class=", "fillcolor=", "fontcolor="):
        assert attribute in full.layout_text
        assert attribute not in geometry.layout_text, attribute
    for attribute in ("label=<", "shape=", 'id="t0:s0"', "peripheries="):
        assert attribute in geometry.layout_text, attribute
    assert len(geometry.layout_text) < len(full.layout_text) * 0.8


def test_a_drawing_still_gets_every_look() -> None:
    text = dot_source(sample()).text
    for attribute in ("tooltip=", 'class="state task"', "fillcolor="):
        assert attribute in text


def test_shipped_definitions_were_found() -> None:
    assert len(SHIPPED) >= 5
