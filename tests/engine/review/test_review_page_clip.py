"""Lines only passing through a printed page are drawn as strokes of one shared `<path>` per line style: on a
long flow hundreds of `error → failed` edges cross every page, and each page carries their lines, not their
groups, arrowheads and labels. Every stroke must be there, in the order drawn, under the style it had."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from engine.review.page_clip import ClippedGraph
from engine.review.svg_geometry import Area

SVG = "{http://www.w3.org/2000/svg}"
PAGE = Area(0.0, 0.0, 500.0, 700.0)
STYLES = ({"fill": "none", "stroke": "#b42318"}, {"fill": "none", "stroke": "black", "stroke-dasharray": "5,2"})


def _edge(graph: ET.Element, number: int, style: dict[str, str]) -> str:
    """An edge whose line crosses the page from top to bottom, its arrowhead and label far below it."""
    x = 10.0 + number * 0.5
    line = f"M{x},-400C{x},-100 {x},900 {x},1200"
    group = ET.SubElement(graph, f"{SVG}g", {"id": f"edge{number}", "class": "edge"})
    ET.SubElement(group, f"{SVG}title").text = f"task_{number}&#45;&gt;failed"
    ET.SubElement(group, f"{SVG}path", {**style, "d": line})
    ET.SubElement(group, f"{SVG}polygon", {"fill": "black", "points": f"{x},1210 {x - 3},1200 {x + 3},1200"})
    label = ET.SubElement(group, f"{SVG}text", {"x": str(x), "y": "1250", "font-size": "10"})
    label.text = "error"
    return line


def test_many_lines_passing_through_a_page_become_one_path_per_style_with_every_stroke() -> None:
    graph = ET.Element(f"{SVG}g", {"id": "graph0", "class": "graph"})
    node = ET.SubElement(graph, f"{SVG}g", {"id": "node1", "class": "node"})
    ET.SubElement(node, f"{SVG}ellipse", {"cx": "250", "cy": "300", "rx": "40", "ry": "18"})
    strokes: dict[str, list[str]] = {style["stroke"]: [] for style in STYLES}
    for number in range(900):
        style = STYLES[number % 3 == 2]
        strokes[style["stroke"]].append(_edge(graph, number, style))

    page = ClippedGraph(graph, lambda area: area).within(PAGE)

    assert [child.get("id") for child in page if child.get("class") != "passing"] == ["node1"]
    shared = [child for child in page if child.get("class") == "passing"]
    assert [(p.tag, p.get("stroke")) for p in shared] == [(f"{SVG}path", "#b42318"), (f"{SVG}path", "black")]
    for path, style in zip(shared, STYLES, strict=True):
        assert path.get("d") == " ".join(strokes[style["stroke"]])
        assert {k: v for k, v in path.attrib.items() if k not in ("d", "class")} == style
    assert not any(page.iter(f"{SVG}polygon"))
    assert not any(page.iter(f"{SVG}text"))
