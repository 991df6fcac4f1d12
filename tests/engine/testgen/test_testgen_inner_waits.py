"""testgen on flows whose parallel branches or map iterators wait for a duration: the generated test moves the
clock past those waits, so the parallel or map state ends and the path the planner modelled is the one the
engine takes. Found by running `statewright testgen --check` on a parallel state with a waiting branch."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from engine.testgen.generation import generate_tests
from engine.validation.loader import require_workflow


def _chain(states: dict[str, Any], chain: list[str]) -> dict[str, Any]:
    """A small machine (an iterator; a branch once named) that goes through `chain` by `done` to `chain[-1]`."""
    transitions = [{"source": a, "trigger": "done", "dest": b} for a, b in itertools.pairwise(chain)]
    return {"initial": chain[0], "states": states, "transitions": transitions}


ITEM = _chain({"hold": {"type": "wait", "duration": "PT30M"},
               "work": {"type": "task", "action": "work", "input": {"x": "item"}},
               "item_ok": {"type": "final"}}, ["hold", "work", "item_ok"])
SIDE = _chain({"pause": {"type": "wait", "duration": "PT1S"}, "again": {"type": "wait", "duration": "PT2H"},
               "side_ok": {"type": "final"}}, ["pause", "again", "side_ok"])
MAPPING = _chain({"each": {"type": "map", "items": "items", "max_concurrency": 1, "output": "results",
                           "iterator": ITEM},
                  "m_ok": {"type": "final"}}, ["each", "m_ok"])

# a parallel state whose branches wait: one twice in a row, one inside a map that runs its items one at a time
PARALLEL: dict[str, Any] = {
    "id": "waiting_branches", "title": "Waiting branches", "initial": "outer",
    "context": {"type": "object", "properties": {"items": {"type": "array"}}},
    "states": {
        "outer": {"type": "parallel", "branches": [{"name": "side", **SIDE}, {"name": "mapping", **MAPPING}]},
        "ok": {"type": "final"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "outer", "trigger": "done", "dest": "ok"},
                    {"source": "outer", "trigger": "error", "dest": "failed"}],
    "examples": [{"name": "three", "context": {"items": [1, 2, 3]}, "expect_state": "ok"}],
}

# a map whose items wait, then an approval with a timeout the map's waits are longer than: once the map ends,
# the clock must stop, or the approval times out before anyone decides
MAP_THEN_APPROVAL: dict[str, Any] = {
    "id": "map_then_sign", "title": "Map then sign", "initial": "each",
    "context": {"type": "object", "properties": {"items": {"type": "array"}}},
    "states": {
        "each": {"type": "map", "items": "items", "max_concurrency": 2,
                 "iterator": {"initial": "hold", "states": {"hold": {"type": "wait", "duration": "PT3H"},
                                                            "item_ok": {"type": "final"}},
                              "transitions": [{"source": "hold", "trigger": "done", "dest": "item_ok"}]}},
        "sign": {"type": "approval", "approvers": {"users": ["ann@example.com"]}, "timeout": "PT1H"},
        "ok": {"type": "final"},
        "refused": {"type": "final", "outcome": "failure"},
        "late": {"type": "final", "outcome": "failure"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "each", "trigger": "done", "dest": "sign"},
                    {"source": "each", "trigger": "error", "dest": "failed"},
                    {"source": "sign", "trigger": "approve", "dest": "ok"},
                    {"source": "sign", "trigger": "reject", "dest": "refused"},
                    {"source": "sign", "trigger": "timeout", "dest": "late"}],
    "examples": [{"name": "five", "context": {"items": [1, 2, 3, 4, 5]}, "expect_state": "ok"}],
}


def _generated(tmp_path: Path, flow: dict[str, Any]) -> tuple[Any, Path]:
    """The coverage of the tests kept (generate_tests plays each on the engine and drops those that fail) and the
    module written."""
    path = tmp_path / f"{flow['id']}.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    out = tmp_path / f"test_{flow['id']}.py"
    _, coverage = generate_tests(require_workflow(path), path, out)
    return coverage, out


def test_a_parallel_state_whose_branches_wait_ends_in_the_generated_test(tmp_path: Path) -> None:
    coverage, out = _generated(tmp_path, PARALLEL)
    assert [u.goal for u in coverage.uncovered] == ["outer --error--> failed"]  # branches are never made to fail
    assert coverage.transitions_covered == 1
    assert "# past pause (PT1S), again (PT2H), each.hold (PT30M) inside outer" in out.read_text(encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(out)],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout


def test_the_clock_stops_once_a_waiting_map_ends(tmp_path: Path) -> None:
    coverage, out = _generated(tmp_path, MAP_THEN_APPROVAL)
    assert [u.goal for u in coverage.uncovered] == ["each --error--> failed"]
    assert coverage.transitions_covered == 4  # sign is approved and rejected within its hour, and times out
    assert "'each', 'sign', 'ok'" in out.read_text(encoding="utf-8")
