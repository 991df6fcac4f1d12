"""SVG, PNG and PDF through Graphviz: what a reviewer opens. The SVG is read back with xml.etree."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from render_support import (
    EDGES,
    STATE_IDS,
    SVG,
    chain,
    sample,
    svg_centre,
    svg_groups,
    svg_root,
    svg_shape,
    svg_texts,
    svg_title,
)

from engine.render import Highlight, render
from engine.render.style import DIM_STROKE, HIGHLIGHT, STYLES


@pytest.fixture(scope="module")
def svg() -> ET.Element:
    return svg_root(render(sample(), "svg"))


def test_every_state_appears_as_a_node_titled_with_its_id(svg: ET.Element) -> None:
    nodes = svg_groups(svg, "node")
    assert {svg_title(g) for g in nodes.values()} >= STATE_IDS
    assert all(svg_title(nodes[qid]) == qid for qid in STATE_IDS - {"enrich"})
    cluster = svg_groups(svg, "cluster")["enrich:cluster"]
    assert "parallel" in (cluster.get("class") or "").split()
    assert svg_texts(cluster) == ["Enrich", "enrich", "parallel, join all"]


def test_every_transition_appears_as_an_edge_with_its_label(svg: ET.Element) -> None:
    edges = svg_groups(svg, "edge")
    drawn = {key: tuple(svg_texts(g)) for key, g in edges.items() if "transition" in (g.get("class") or "")}
    assert drawn == EDGES
    assert svg_title(edges["t2:route"]) == "route->review"


@pytest.mark.parametrize(
    ("state", "key", "outline"),
    [("extract", "task", "path"), ("route", "choice", "polygon"), ("review", "approval", "polygon"),
     ("pause", "wait", "ellipse"), ("support", "subflow", "polygon"), ("booked", "final_success", "path"),
     ("rejected", "final_failure", "polygon")],
)
def test_outlines_carry_the_colours_of_their_type(svg: ET.Element, state: str, key: str, outline: str) -> None:
    shape = svg_shape(svg_groups(svg, "node")[state])
    assert shape.tag == f"{SVG}{outline}"
    assert (shape.get("fill"), shape.get("stroke")) == (STYLES[key].fill, STYLES[key].stroke)


def test_shapes_tell_the_types_apart(svg: ET.Element) -> None:
    nodes = svg_groups(svg, "node")

    def corners(state: str) -> int:
        points = (svg_shape(nodes[state]).get("points") or "").split()
        return len(points) - 1  # Graphviz repeats the first corner to close the outline

    assert corners("route") == 4  # a diamond
    assert corners("review") == 6  # a hexagon
    assert len(list(nodes["booked"].iter(f"{SVG}path"))) == 2  # a rounded box with a double border
    assert len(list(nodes["rejected"].iter(f"{SVG}polygon"))) == 2  # a square one
    assert svg_shape(nodes["pause"]).get("stroke-dasharray")  # a dashed ellipse
    assert len(list(nodes["support"].iter(f"{SVG}polyline"))) == 2  # a component: a box with two tabs


def test_a_highlight_restyles_the_path_and_dims_the_rest_without_moving_anything(svg: ET.Element) -> None:
    path = Highlight(states=frozenset({"extract", "route", "review"}), transitions=frozenset({0, 2}))
    marked = svg_root(render(sample(), "svg", path))
    before, after = svg_groups(svg, "node"), svg_groups(marked, "node")
    assert before.keys() == after.keys()
    for key in before:
        assert svg_texts(before[key]) == svg_texts(after[key])
        assert svg_centre(before[key]) == svg_centre(after[key])
    for state in ("extract", "route", "review"):
        outline = svg_shape(after[state])
        assert (outline.get("stroke"), outline.get("stroke-width")) == (HIGHLIGHT, "3")
        assert outline.get("fill") == svg_shape(before[state]).get("fill")  # the type still shows
    for state in ("pause", "booked", "enrich/crm/lookup"):
        assert svg_shape(after[state]).get("stroke") == DIM_STROKE
    edges = svg_groups(marked, "edge")
    assert svg_shape(edges["t0:extract"]).get("stroke") == HIGHLIGHT
    assert svg_shape(edges["t2:route"]).get("stroke") == HIGHLIGHT
    assert svg_shape(edges["t7:review"]).get("stroke") == DIM_STROKE
    assert {k: svg_texts(g) for k, g in edges.items()} == {k: svg_texts(g) for k, g in svg_groups(svg, "edge").items()}


def test_png_and_pdf_are_real_files() -> None:
    assert render(sample(), "png").startswith(b"\x89PNG\r\n\x1a\n")
    pdf = render(sample(), "pdf")
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")


def test_svg_is_byte_for_byte_deterministic() -> None:
    assert render(sample(), "svg") == render(sample(), "svg")
    assert render(chain(60), "svg") == render(chain(60), "svg")


def test_a_sixty_state_flow_renders_every_state_and_transition() -> None:
    workflow = chain(60)
    root = svg_root(render(workflow, "svg"))
    titles = {svg_title(g) for g in svg_groups(root, "node").values()}
    assert set(workflow.states) <= titles
    edges = svg_groups(root, "edge")
    expected = {f"t{i}:{t.source}" for i, t in enumerate(workflow.transitions)}
    assert {k for k, g in edges.items() if "transition" in (g.get("class") or "")} == expected
    detached = [g for g in edges.values() if "detached" in (g.get("class") or "")]
    assert detached
    assert all(svg_texts(g) == ["error"] for g in detached)
    assert all(any(True for _ in g.iter(f"{SVG}path")) for g in detached)  # drawn, not just declared
    assert render(workflow, "png").startswith(b"\x89PNG\r\n\x1a\n")
