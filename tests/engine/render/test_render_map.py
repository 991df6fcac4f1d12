"""A map state is drawn like a parallel state with one branch, its iterator, marked "for each item"; a map
over a subflow is one node naming the workflow."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from engine.definition import Workflow
from engine.render.dot import to_dot
from engine.render.layout import layout_graph
from engine.render.mermaid import to_mermaid
from engine.review.document import review_html
from engine.review.source import ReviewSource

FIXTURE = Path(__file__).parents[1] / "validation" / "fixtures" / "clean" / "map-without-results.json"


def _map_flow() -> Workflow:
    return Workflow.model_validate(json.loads(FIXTURE.read_text(encoding="utf-8")))


def _over_subflow() -> Workflow:
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    each = document["states"]["each"]
    del each["iterator"]
    each.update({"workflow": "scoring", "max_concurrency": 3})
    return Workflow.model_validate(document)


def test_dot_draws_the_iterator_inside_the_map_box_marked_for_each_item() -> None:
    text = to_dot(_map_flow())
    assert 'subgraph "cluster_each" {' in text
    assert 'class="state map"' in text
    assert "for each item of leads, 10 at a time" in text
    assert 'subgraph "cluster_each/iterator" {' in text
    assert "label=<<I>for each item</I>>" in text
    assert '"each" -> "each/iterator/check_order"' in text  # the fork into the iterator


def test_mermaid_draws_the_iterator_as_a_nested_state() -> None:
    text = to_mermaid(_map_flow())
    assert 'state "for each item" as each_iterator' in text
    assert "each_iterator_check_order --> each_iterator_scored : done" in text
    assert "each --> rejected : error" in text


def test_a_map_over_a_subflow_is_one_node_naming_the_workflow() -> None:
    dot, mermaid = to_dot(_over_subflow()), to_mermaid(_over_subflow())
    assert "cluster_each" not in dot
    assert "for each item of leads: subflow scoring, 3 at a time" in dot
    assert "    class each map\n" in mermaid


def test_the_layout_places_the_map_box_and_its_iterator_states() -> None:
    boxes = layout_graph(_map_flow()).boxes
    assert {"each", "each/iterator/check_order", "each/iterator/scored", "approved"} <= set(boxes)
    outer, inner = boxes["each"], boxes["each/iterator/check_order"]
    assert outer.x <= inner.x
    assert inner.x + inner.width <= outer.x + outer.width


def test_the_review_pack_says_what_the_map_runs_and_tolerates() -> None:
    html = review_html(ReviewSource(workflow=_map_flow(), generated_at=datetime(2026, 1, 5, tzinfo=UTC)))
    assert "runs its iterator for each item of leads, 10 at a time" in html
    assert "up to 1 items may fail" in html
