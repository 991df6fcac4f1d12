"""What an ASL export cannot carry is pointed at the field of the definition that holds it — the input key, the
transition's guard or assign, the final's result key — not only at its state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.definition import Workflow
from engine.interop import export_workflow
from engine.validation.loader import load_workflow

SHIPPED = Path(__file__).resolve().parents[3] / "definitions" / "workflows"


def _errors(workflow: Workflow) -> dict[str, str]:
    return {f.pointer: f.message for f in export_workflow("asl", workflow).findings if f.severity == "error"}


def test_a_computed_input_of_a_shipped_flow_points_at_its_key() -> None:
    workflow = load_workflow(json.loads((SHIPPED / "customer_escalation.json").read_text())).model
    assert workflow is not None
    errors = _errors(workflow)
    assert "input 'parameters'" in errors["/states/policy_check/input/parameters"]
    assert "/states/policy_check" not in errors
    assert "Succeed cannot compute a result" in errors["/states/resolved/result"]


def _flow(states: dict[str, Any], transitions: list[dict[str, Any]]) -> Workflow:
    return Workflow.model_validate({"id": "f", "title": "F", "initial": "a", "states": {
        **states, "ok": {"type": "final", "outcome": "success"},
        "bad": {"type": "final", "outcome": "failure", "result": {"code": "'x'"}}}, "transitions": transitions})


def test_guards_assigns_and_result_keys_are_pointed_at_their_field() -> None:
    flow = _flow({"a": {"type": "choice"}, "b": {"type": "wait", "duration": "PT1S"}}, [
        {"source": "a", "dest": "b", "guard": "size(items) > 2"},
        {"source": "a", "dest": "ok", "assign": {"x": "1"}},
        {"source": "b", "trigger": "done", "dest": "bad"},
    ])
    errors = _errors(flow)
    assert set(errors) == {"/transitions/0/guard", "/states/bad/result/code"}, errors
    assign = _flow({"a": {"type": "choice"}}, [{"source": "a", "dest": "ok", "assign": {"x": "y + 1"}}])
    assert "/transitions/0/assign/x" in _errors(assign)
