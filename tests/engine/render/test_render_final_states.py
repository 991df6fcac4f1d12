"""Final states: compact boxes whose outcome reads without colour, never circles sized to their label."""

from __future__ import annotations

from render_support import graphviz_json, html_lines, json_nodes, sample

from definitions import WORKFLOWS_DIR
from engine.definition import Workflow
from engine.render import to_dot


def test_a_final_state_is_a_double_bordered_box_with_its_outcome_written_out() -> None:
    nodes = json_nodes(graphviz_json(to_dot(sample())))
    booked, rejected = nodes["booked"], nodes["rejected"]
    assert (booked["shape"], booked["peripheries"]) == ("box", "2")
    assert (rejected["shape"], rejected["peripheries"]) == ("box", "2")
    assert "rounded" in booked["style"]
    assert "rounded" not in rejected["style"]  # told apart in grey print too
    assert html_lines(booked["label"])[-1] == "✔ success"
    assert html_lines(rejected["label"])[-1] == "✖ failure"


def test_a_titled_final_state_is_about_as_tall_as_the_tasks_beside_it() -> None:
    # the triage flow's "Resolved by self-service" was a circle 4.4 in across beside tasks 0.6 in high
    path = WORKFLOWS_DIR / "support_ticket_triage.json"
    workflow = Workflow.model_validate_json(path.read_text(encoding="utf-8"))
    nodes = json_nodes(graphviz_json(to_dot(workflow)))
    tallest_task = max(float(n["height"]) for n in nodes.values() if "task" in n.get("class", "").split())
    finals = [n for n in nodes.values() if "final_success" in n.get("class", "").split()]
    assert finals
    assert all(float(n["height"]) <= tallest_task + 0.25 for n in finals)  # the double border's width more
    assert all(float(n["width"]) <= 3.5 for n in finals)
