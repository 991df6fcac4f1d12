"""testgen on flows at the corners of the format: an approval whose quorum is larger than its list of users (the
roles supply the rest), a flow longer than sixty steps, a context schema that requires nested objects, and an
event wait that loops on itself. Each was found by running `statewright testgen --check` on such a flow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.testgen.coverage import choose_plans
from engine.testgen.generation import generate_tests
from engine.validation.loader import require_workflow

QUORUM: dict[str, Any] = {
    "id": "two_signatures", "title": "Two signatures", "initial": "sign",
    "states": {"sign": {"type": "approval", "approvers": {"roles": ["vp", "cfo"], "users": ["ann@example.com"]},
                        "quorum": 2, "timeout": "PT48H"},
               "signed": {"type": "final"},
               "refused": {"type": "final", "outcome": "failure"},
               "expired": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "sign", "trigger": "approve", "dest": "signed"},
                    {"source": "sign", "trigger": "reject", "dest": "refused"},
                    {"source": "sign", "trigger": "timeout", "dest": "expired"}],
}


def _kept(tmp_path: Path, flow: dict[str, Any]) -> tuple[list[Any], Any, str]:
    """The plans kept (those whose tests pass on the engine), the coverage, and the test module written."""
    path = tmp_path / f"{flow['id']}.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    out = tmp_path / f"test_{flow['id']}.py"
    plans, coverage = generate_tests(require_workflow(path), path, out)
    return plans, coverage, out.read_text(encoding="utf-8")


def test_a_quorum_larger_than_the_named_users_is_met_by_role_holders(tmp_path: Path) -> None:
    _, coverage, _ = _kept(tmp_path, QUORUM)
    assert [u.goal for u in coverage.uncovered] == []
    assert coverage.transitions_covered == 3


def _chain(length: int) -> dict[str, Any]:
    """`length` tasks in a row, each able to fail into one shared final state."""
    states: dict[str, Any] = {f"s{n}": {"type": "task", "action": f"step_{n}"} for n in range(length)}
    states |= {"ok": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}}
    transitions = [{"source": f"s{n}", "trigger": "done", "dest": f"s{n + 1}" if n + 1 < length else "ok"}
                   for n in range(length)]
    transitions.append({"source": [f"s{n}" for n in range(length)], "trigger": "error", "dest": "failed"})
    return {"id": "long_chain", "title": "Long chain", "initial": "s0", "states": states, "transitions": transitions}


def test_every_transition_of_a_flow_longer_than_sixty_steps_is_covered(tmp_path: Path) -> None:
    path = tmp_path / "long_chain.json"
    path.write_text(json.dumps(_chain(65)), encoding="utf-8")
    plans, coverage = choose_plans(require_workflow(path), "transitions")
    assert coverage.uncovered == []
    assert coverage.transitions_covered == 130
    assert max(len(plan.steps) for plan in plans) == 65  # s0 → s1 … s64 → ok


NESTED_REQUIRED: dict[str, Any] = {
    "id": "nested_required", "title": "Nested required", "initial": "lookup",
    "context": {"type": "object", "required": ["order"], "properties": {"order": {
        "type": "object", "required": ["id", "customer"], "properties": {
            "id": {"type": "string"}, "lines": {"type": "array"},
            "customer": {"type": "object", "required": ["tier"],
                         "properties": {"tier": {"enum": ["gold", "silver"]}}}}}}},
    "states": {"lookup": {"type": "task", "action": "lookup", "input": {"id": "order.id"}, "output": "found"},
               "ok": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "lookup", "trigger": "done", "dest": "ok"},
                    {"source": "lookup", "trigger": "error", "dest": "failed"}],
}


def test_a_flow_without_examples_starts_from_a_context_its_schema_requires(tmp_path: Path) -> None:
    plans, coverage, _ = _kept(tmp_path, NESTED_REQUIRED)
    assert coverage.uncovered == []
    assert plans[0].context == {"order": {"id": "text", "customer": {"tier": "gold"}}}


LOOPS: dict[str, Any] = {
    "id": "loops", "title": "Loops", "initial": "poll",
    "states": {"poll": {"type": "task", "action": "poll_status"},
               "listen": {"type": "wait", "event": {"type": "ping"}, "timeout": "PT10M"},
               "ok": {"type": "final"}, "gone": {"type": "final", "outcome": "failure"}},
    "transitions": [
        {"source": "poll", "trigger": "done", "dest": "poll", "guard": "has(event.pending) && event.pending",
         "priority": 1},
        {"source": "poll", "trigger": "done", "dest": "listen"},
        {"source": "poll", "trigger": "error", "dest": "gone"},
        {"source": "listen", "trigger": "done", "dest": "listen", "guard": "event.again == true", "priority": 1},
        {"source": "listen", "trigger": "done", "dest": "ok"},
        {"source": "listen", "trigger": "timeout", "dest": "gone"}],
}


def test_a_task_and_a_wait_that_loop_on_themselves_are_covered(tmp_path: Path) -> None:
    _, coverage, written = _kept(tmp_path, LOOPS)
    assert coverage.uncovered == []
    assert "{'poll': [{'pending': True}" in written  # the task without an output answers what its guard reads
    assert "'listen', 'listen'" in written  # a path through the wait's loop is kept: it passes on the engine
