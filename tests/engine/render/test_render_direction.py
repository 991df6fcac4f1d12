"""The direction a flow is drawn in when none is asked for. Up to 20 states ran left to right whatever their
shape: the shipped 20-state escalation flow came out 4,900 pt wide and 440 pt high (11:1), illegible at page
width; a broad 30-state fan-out ran top to bottom, one long row. Now the shape decides (engine.render.direction),
the same for DOT, SVG/PNG/PDF and Mermaid, and an explicit direction always wins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from render_support import chain, graphviz_json, parse_mermaid, sample
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.definition import Workflow
from engine.render import DotOptions, to_dot, to_mermaid
from engine.render.direction import MAX_ASPECT, default_direction
from engine.runtime.deployments import parse_definition

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "definitions" / "workflows").glob("*.json"))


def _fan(branches: int) -> Workflow:
    """A choice that sends work to one of many tasks, each then done: broad and short."""
    states: dict[str, Any] = {"pick": {"type": "choice"}, "done": {"type": "final"}}
    transitions: list[dict[str, Any]] = []
    for n in range(branches):
        states[f"work_{n}"] = {"type": "task", "action": f"work_{n}"}
        transitions += [{"source": "pick", "dest": f"work_{n}", "guard": f"kind == {n}", "priority": n + 1},
                        {"source": f"work_{n}", "trigger": "done", "dest": "done"}]
    transitions.append({"source": "pick", "dest": "done"})
    return Workflow.model_validate({"id": "fan", "title": "Fan", "initial": "pick", "states": states,
                                    "transitions": transitions})


def _aspect(dot_text: str) -> float:
    """Width over height of the drawing `dot` lays out."""
    _, _, width, height = (float(part) for part in graphviz_json(dot_text)["bb"].split(","))
    return width / height


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_no_shipped_flow_is_drawn_wider_than_the_limit_by_default(path: Path) -> None:
    assert _aspect(to_dot(parse_definition(path))) <= MAX_ASPECT


def test_the_twenty_state_escalation_flow_runs_top_to_bottom() -> None:
    workflow = parse_definition(ROOT / "definitions" / "workflows" / "customer_escalation.json")
    assert 'rankdir="TB"' in to_dot(workflow)
    assert parse_mermaid(to_mermaid(workflow)).direction == "TB"
    assert _aspect(to_dot(workflow, options=DotOptions(direction="LR"))) > 3 * MAX_ASPECT  # as it was drawn


def test_a_broad_short_flow_runs_left_to_right_however_many_states() -> None:
    fan = _fan(30)
    assert 'rankdir="LR"' in to_dot(fan)
    assert parse_mermaid(to_mermaid(fan)).direction == "LR"
    assert _aspect(to_dot(fan)) <= MAX_ASPECT


def test_short_flows_run_left_to_right() -> None:
    assert default_direction(chain(2)) == "LR"
    assert default_direction(_fan(3)) == "LR"
    assert default_direction(sample()) == "TB"


@pytest.mark.parametrize("asked", ["LR", "TB"])
def test_an_explicit_direction_always_wins(tmp_path: Path, asked: str) -> None:
    """Over a long flow and a broad one alike, in DOT and in Mermaid (which ignored --direction)."""
    escalation = ROOT / "definitions" / "workflows" / "customer_escalation.json"
    fan = tmp_path / "fan.json"
    fan.write_text(json.dumps(_fan(30).model_dump(mode="json", exclude_none=True)), encoding="utf-8")
    for flow in (escalation, fan):
        for out in (tmp_path / "drawn.dot", tmp_path / "drawn.mmd"):
            done = CliRunner().invoke(build_app("render"), ["render", str(flow), "-o", str(out), "--direction", asked])
            assert done.exit_code == 0, done.output
        assert f'rankdir="{asked}"' in (tmp_path / "drawn.dot").read_text(encoding="utf-8")
        assert parse_mermaid((tmp_path / "drawn.mmd").read_text(encoding="utf-8")).direction == asked
