"""testgen on flows that write nested output paths, fan out with a map, and wait for a correlated event. Before,
a task whose `output` is a path (`checks.fraud`) got stub answers stored under the literal key `checks.fraud`, so
every guard reading `checks.fraud.score` failed on the engine; nothing after a map state could be driven ("no
path from the initial state drives it"); and an event wait with a `correlation` was sent its event with no
correlation key, which it never takes. A 25-state order flow had 16 of its 34 transitions covered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.testgen.generation import generate_tests
from engine.validation.loader import require_workflow

SCREEN: dict[str, Any] = {
    "id": "screening", "title": "Screening", "initial": "screen",
    "context": {"type": "object", "properties": {"checks": {"type": "object"}}},
    "states": {"screen": {"type": "task", "action": "screen", "output": "checks.fraud"},
               "gate": {"type": "choice"},
               "blocked": {"type": "final", "outcome": "failure"},
               "ok": {"type": "final", "result": {"score": "checks.fraud.score"}},
               "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "screen", "trigger": "done", "dest": "gate"},
                    {"source": "screen", "trigger": "error", "dest": "failed"},
                    {"source": "gate", "dest": "blocked", "guard": "checks.fraud.score >= 90", "priority": 1},
                    {"source": "gate", "dest": "ok"}],
}
FAN_OUT: dict[str, Any] = {
    "id": "fan_out", "title": "Fan out", "initial": "reserve",
    "context": {"type": "object", "properties": {"order": {"type": "object"}, "result": {"type": "object"}}},
    "states": {
        "reserve": {"type": "map", "items": "order.lines", "output": "result.reservations", "iterator": {
            "initial": "hold",
            "states": {"hold": {"type": "task", "action": "hold", "input": {"sku": "item.sku"}, "output": "held"},
                       "held_ok": {"type": "final", "result": {"bin": "held.bin"}},
                       "not_held": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "hold", "trigger": "done", "dest": "held_ok"},
                            {"source": "hold", "trigger": "error", "dest": "not_held"}]}},
        "await_parcel": {"type": "wait", "event": {"type": "parcel_delivered", "correlation": "order.id"},
                         "timeout": "P7D", "output": "result.delivery"},
        "confirm": {"type": "task", "action": "confirm", "output": "result.confirmation"},
        "gate": {"type": "choice"},
        "delivered": {"type": "final"},
        "unsigned": {"type": "final"},
        "lost": {"type": "final", "outcome": "failure"},
        "backordered": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "reserve", "trigger": "done", "dest": "await_parcel"},
                    {"source": "reserve", "trigger": "error", "dest": "backordered"},
                    {"source": "await_parcel", "trigger": "done", "dest": "confirm"},
                    {"source": "await_parcel", "trigger": "timeout", "dest": "lost"},
                    {"source": "confirm", "trigger": "done", "dest": "gate"},
                    {"source": "confirm", "trigger": "error", "dest": "lost"},
                    {"source": "gate", "dest": "delivered", "guard": "result.confirmation.signed == true",
                     "priority": 1},
                    {"source": "gate", "dest": "unsigned"}],
    "examples": [{"name": "two_lines", "context": {"order": {"id": "O-7", "lines": [{"sku": "A"}, {"sku": "B"}]}}}],
}


def _generate(tmp_path: Path, flow: dict[str, Any]) -> tuple[Any, str]:
    path = tmp_path / f"{flow['id']}.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    out = tmp_path / f"test_{flow['id']}.py"
    _, coverage = generate_tests(require_workflow(path), path, out)  # kept only if they pass on the engine
    return coverage, out.read_text(encoding="utf-8")


def test_guards_on_a_nested_output_path_are_covered_both_ways(tmp_path: Path) -> None:
    coverage, written = _generate(tmp_path, SCREEN)
    assert (coverage.transitions_covered, coverage.uncovered) == (4, [])
    assert "{'screen': [{'score': 90}]}" in written  # the stub answers the action, the engine stores it at the path
    assert "{'screen': [{'score': 89}]}" in written


def test_a_map_and_a_correlated_event_wait_are_driven(tmp_path: Path) -> None:
    coverage, written = _generate(tmp_path, FAN_OUT)
    assert coverage.uncovered == []
    assert coverage.transitions_covered == coverage.transitions_total
    # `reserve --error-->`: one of the two lines fails to be held, more than the map tolerates (none)
    assert "{'reserve.iterator:hold': [Failure('error')]}" in written
    assert "run.publish('parcel_delivered', {}, 'O-7')" in written
