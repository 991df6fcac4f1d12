"""testgen on every shipped flow: the tests it writes pass on the engine, cover every transition the flow
allows, say why for the rest, and fail when the flow changes under them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.testgen.generation import generate_tests
from engine.validation.loader import require_workflow

ROOT = Path(__file__).resolve().parents[3]
FLOWS = sorted((ROOT / "definitions" / "workflows").glob("*.json"))


def _pytest(target: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(target)],
                          capture_output=True, text=True, cwd=target.parent, check=False)


@pytest.mark.parametrize("flow", FLOWS, ids=lambda p: p.stem)
def test_generated_tests_pass_and_cover_the_flow(flow: Path, tmp_path: Path) -> None:
    workflow = require_workflow(flow)
    out = tmp_path / f"test_{workflow.id}.py"
    plans, coverage = generate_tests(workflow, flow, out)
    assert plans
    result = _pytest(out)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{len(plans)} passed" in result.stdout
    missing = coverage.transitions_total - coverage.transitions_covered
    assert missing == len(coverage.uncovered)  # every transition not covered is explained
    assert all(u.reason for u in coverage.uncovered)
    assert coverage.transitions_covered >= coverage.transitions_total - 1


def test_a_generated_test_fails_when_a_destination_changes(tmp_path: Path) -> None:
    flow = ROOT / "definitions" / "workflows" / "support_ticket_triage.json"
    copy = tmp_path / "support_ticket_triage.json"
    copy.write_text(flow.read_text())
    out = tmp_path / "test_triage.py"
    generate_tests(require_workflow(copy), copy, out)
    assert _pytest(out).returncode == 0
    document = json.loads(copy.read_text())
    edge = next(t for t in document["transitions"] if t["source"] == "respond" and t["trigger"] == "done")
    edge["dest"] = "escalated"  # the answered ticket now ends as escalated
    copy.write_text(json.dumps(document))
    result = _pytest(out)
    assert result.returncode == 1
    assert "ends_resolved" in result.stdout
    assert "failed" in result.stdout


def test_guard_coverage_uses_boundary_values(tmp_path: Path) -> None:
    flow = ROOT / "definitions" / "workflows" / "lead_qualification.json"
    out = tmp_path / "test_lead.py"
    _, coverage = generate_tests(require_workflow(flow), flow, out, "guards")
    text = out.read_text()
    assert "{'score': 70" in text
    assert "{'score': 69" in text
    assert "{'score': 39" in text  # qualification.score >= 40 false
    assert coverage.guards_false == coverage.guards_total


CATCHING = {
    "id": "catching", "title": "Catching", "initial": "lookup",
    "states": {"lookup": {"type": "task", "action": "lookup_company", "output": "company",
                          "retry": [{"errors": ["timeout"], "max_attempts": 2}]},
               "found": {"type": "final"}, "slow": {"type": "final", "outcome": "failure"},
               "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "lookup", "trigger": "done", "dest": "found"},
                    {"source": "lookup", "trigger": "error", "dest": "slow", "errors": ["timeout", "unavailable"],
                     "priority": 1},
                    {"source": "lookup", "trigger": "error", "dest": "failed"}],
}


def test_an_error_transition_limited_to_kinds_is_reached_by_failing_with_one_of_them(tmp_path: Path) -> None:
    flow = tmp_path / "catching.json"
    flow.write_text(json.dumps(CATCHING))
    out = tmp_path / "test_catching.py"
    plans, coverage = generate_tests(require_workflow(flow), flow, out)
    assert (coverage.transitions_covered, coverage.uncovered) == (3, [])
    assert {step.error_kind for plan in plans for step in plan.steps if step.how == "error"} == {
        "timeout", "not_listed"}
    assert _pytest(out).returncode == 0


OPTIONAL_OBJECT = {
    "id": "credit", "title": "Credit", "initial": "gate",
    "context": {"type": "object", "properties": {
        "credit": {"type": "object", "required": ["amount", "currency"],
                   "properties": {"amount": {"type": "number", "exclusiveMinimum": 0}, "currency": {"type": "string"}}},
    }},
    "examples": [{"name": "no_credit", "context": {}, "expect_state": "plain"}],
    "states": {"gate": {"type": "choice"}, "big": {"type": "final"}, "small": {"type": "final"},
               "plain": {"type": "final"}},
    "transitions": [{"source": "gate", "dest": "big", "guard": "has(context.credit) && context.credit.amount > 1000",
                     "priority": 2},
                    {"source": "gate", "dest": "small", "guard": "has(context.credit) && context.credit.amount > 0",
                     "priority": 1},
                    {"source": "gate", "dest": "plain"}],
}


def test_an_optional_map_is_left_out_or_made_whole_as_its_schema_requires(tmp_path: Path) -> None:
    """A guard that tests an optional map's presence and a field in it: the test data leaves the map out for the
    path where it is absent, and for the others makes it with the fields its schema requires (no `currency` and
    `amount: 0` would be a context the engine refuses), so every branch is covered."""
    flow = tmp_path / "credit.json"
    flow.write_text(json.dumps(OPTIONAL_OBJECT))
    out = tmp_path / "test_credit.py"
    plans, coverage = generate_tests(require_workflow(flow), flow, out)
    assert (coverage.transitions_covered, coverage.transitions_total) == (3, 3), coverage.uncovered
    result = _pytest(out)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{len(plans)} passed" in result.stdout
