"""testgen drives a parallel state's and a map state's `error` the way it drives a task's: by making tasks inside
fail. On a flow imported from Step Functions those exits stayed uncovered ("testgen does not make a parallel
state's branches fail"): the stubs ended every branch and item as declared. Now the stub of a task inside answers
with a failure — scoped to the branch it runs in, so a state of the same id elsewhere keeps its answers — in as
many branches as the join needs to fail, or in one item more than the map tolerates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from engine.definition import Workflow
from engine.testgen import Coverage, choose_plans
from engine.testgen.generation import generate_tests
from engine.testgen.playback import RouteStep, path_script
from engine.validation.loader import load_workflow, require_workflow

DOCS = (Path(__file__).parents[3] / "docs" / "testing-flows.md").read_text(encoding="utf-8")


def _task_branch(name: str, task: str, *, caught: str | None = None) -> dict[str, Any]:
    """A branch (or, without its name, an iterator) that runs the task `task`; with `caught`, its error leads to
    a final of that outcome, else nothing catches it."""
    states: dict[str, Any] = {task: {"type": "task", "action": task}, f"{name}_ok": {"type": "final"}}
    transitions = [{"source": task, "trigger": "done", "dest": f"{name}_ok"}]
    if caught is not None:
        states[f"{name}_caught"] = {"type": "final", "outcome": caught}
        transitions.append({"source": task, "trigger": "error", "dest": f"{name}_caught"})
    return {"name": name, "initial": task, "states": states, "transitions": transitions}


def _iterator(task: str, *, caught: str | None = "failure") -> dict[str, Any]:
    branch = _task_branch("item", task, caught=caught)
    del branch["name"]
    return branch


def _flow(flow_id: str, states: dict[str, Any], transitions: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": flow_id, "title": flow_id, "initial": next(iter(states)),
            "context": {"type": "object", "properties": {"lines": {"type": "array"}}},
            "states": {**states, "ok": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
            "transitions": transitions, **extra}


def _workflow(document: dict[str, Any]) -> Workflow:
    loaded = load_workflow(document)
    assert loaded.model is not None, loaded.findings
    return loaded.model


def _exits(state: str, done: str, error: str) -> list[dict[str, Any]]:
    return [{"source": state, "trigger": "done", "dest": done}, {"source": state, "trigger": "error", "dest": error}]


# a parallel state whose `error` goes to a failure final, its branches' tasks catching nothing; then a map whose
# `error` goes to another; then a task with the same id and action as the first branch's task
ORDERS = _flow("orders", {
    "outer": {"type": "parallel", "branches": [_task_branch("pay", "charge"), _task_branch("stock", "reserve")]},
    "ship": {"type": "map", "items": "lines", "iterator": _iterator("ship_one")},
    "charge": {"type": "task", "action": "charge"},
    "not_paid": {"type": "final", "outcome": "failure"},
    "not_shipped": {"type": "final", "outcome": "failure"},
}, [*_exits("outer", "ship", "not_paid"), *_exits("ship", "charge", "not_shipped"), *_exits("charge", "ok", "failed")])


def _generated(tmp_path: Path, flow: dict[str, Any]) -> tuple[Coverage, str]:
    """The coverage of the tests kept (each is played on the engine first), after checking that the written
    module passes under pytest, and its text."""
    path = tmp_path / f"{flow['id']}.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    out = tmp_path / f"test_{flow['id']}.py"
    plans, coverage = generate_tests(require_workflow(path), path, out)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(out)],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{len(plans)} passed" in result.stdout
    return coverage, out.read_text(encoding="utf-8")


def _test_of(text: str, final: str) -> str:
    """The generated test that ends in `final` (the first, if several do)."""
    start = text.index(f"_ends_{final}(")
    end = text.find("\ndef test_", start)
    return text[start:] if end < 0 else text[start:end]


def test_a_parallel_and_a_maps_error_are_covered_by_failing_a_task_inside(tmp_path: Path) -> None:
    coverage, text = _generated(tmp_path, ORDERS)
    assert (coverage.transitions_covered, coverage.transitions_total) == (6, 6)
    assert coverage.uncovered == []
    not_paid = _test_of(text, "not_paid")
    assert "{'outer.pay:charge': [Failure('error')]}" in not_paid  # one branch fails: the join (all) is not met
    assert "# charge fails in branch outer.pay, so outer's join cannot be met and it ends with error" in not_paid
    assert "assert run.states() == ['outer', 'not_paid']" in not_paid
    not_shipped = _test_of(text, "not_shipped")
    assert "{'ship.iterator:ship_one': [Failure('error')]}" in not_shipped  # the one item of the start context
    assert "assert run.states() == ['outer', 'ship', 'not_shipped']" in not_shipped


def test_the_docs_show_what_testgen_writes_for_a_parallel_states_failure(tmp_path: Path) -> None:
    coverage, text = _generated(tmp_path, ORDERS)
    section = DOCS.split("### Failing a parallel or map state")[1].split("###")[0]
    shown = section.split("```python\n")[1].split("```")[0]
    for line in shown.splitlines():
        assert line in _test_of(text, "not_paid")
    assert f"transitions {coverage.transitions_covered}/{coverage.transitions_total}" == "transitions 6/6"
    assert "`transitions 6/6`" in section


def test_the_failure_inside_is_kept_to_its_branch(tmp_path: Path) -> None:
    """The top-level `charge` (same id, same action as the branch's task) fails on its own path while the
    branch's `charge` succeeds; and the branch's failure leaves the top-level stub alone."""
    _, text = _generated(tmp_path, ORDERS)
    failed = _test_of(text, "failed")
    assert "{'charge': [Failure('error')]}" in failed
    assert "assert run.states() == ['outer', 'ship', 'charge', 'failed']" in failed


def test_a_map_fails_one_item_more_than_it_tolerates(tmp_path: Path) -> None:
    flow = _flow("tolerant", {
        "each": {"type": "map", "items": "lines", "max_concurrency": 2, "tolerated_failures": 1,
                 "iterator": _iterator("ship_one", caught=None)},
    }, _exits("each", "ok", "failed"), examples=[{"name": "three", "context": {"lines": [1, 2, 3]}}])
    coverage, text = _generated(tmp_path, flow)
    assert coverage.uncovered == []
    assert "{'each.iterator:ship_one': [Failure('error'), Failure('error')]}" in _test_of(text, "failed")
    assert "ship_one fails in 2 items of each (each.iterator), more than the 1 it tolerates" in text


def test_a_map_that_tolerates_every_item_failing_is_reported(tmp_path: Path) -> None:
    flow = _flow("lenient", {
        "each": {"type": "map", "items": "lines", "tolerated_failure_percentage": 100, "iterator": _iterator("work")},
    }, _exits("each", "ok", "failed"))
    coverage, _ = _generated(tmp_path, flow)
    assert [(u.goal, u.reason) for u in coverage.uncovered] == [
        ("each --error--> failed", "each tolerates all 1 of its items failing on the test data")]


def test_a_join_of_any_fails_every_branch_and_a_branch_that_recovers_is_not_failed(tmp_path: Path) -> None:
    flow = _flow("any_join", {
        "fan": {"type": "parallel", "join": {"mode": "any"},
                "branches": [_task_branch("a", "ask_a", caught="failure"), _task_branch("b", "ask_b")]},
        "soft": {"type": "parallel", "branches": [_task_branch("c", "ask_c", caught="success")]},
    }, [*_exits("fan", "soft", "failed"), *_exits("soft", "ok", "failed")])
    coverage, text = _generated(tmp_path, flow)
    assert "{'fan.a:ask_a': [Failure('error')], 'fan.b:ask_b': [Failure('error')]}" in text
    assert [(u.goal, u.reason) for u in coverage.uncovered] == [
        ("soft --error--> failed", "no branch of soft has a task known to be reached whose failure ends the branch "
                                   "in a failure state (a branch that catches its tasks' errors and succeeds cannot "
                                   "make the join fail)")]


def test_a_guard_on_the_error_kind_is_read_against_the_states_own_error(tmp_path: Path) -> None:
    """A map fails with kind `map_failed`: a transition for `timeout` before it is passed over, and one for
    `timeout` alone cannot be driven — said so, not written as a test that takes another way."""
    flow = _flow("kinds", {
        "each": {"type": "map", "items": "lines", "iterator": _iterator("work")},
        "late": {"type": "final", "outcome": "failure"},
    }, [{"source": "each", "trigger": "done", "dest": "ok"},
        {"source": "each", "trigger": "error", "dest": "late", "errors": ["timeout"], "priority": 1},
        {"source": "each", "trigger": "error", "dest": "failed"}])
    coverage, text = _generated(tmp_path, flow)
    assert "assert run.states() == ['each', 'failed']" in text
    assert [u.goal for u in coverage.uncovered] == ["each --error--> late"]
    assert "'map_failed'" in coverage.uncovered[0].reason


def test_a_state_failed_inside_on_a_second_visit_is_not_driven_there() -> None:
    """The stubs' failure cannot be kept to one visit of the state (the first visit would take it), so the path
    that comes back to `outer` after `check` fails is not written with `outer` failing there."""
    flow = _flow("again", {
        "outer": {"type": "parallel", "branches": [_task_branch("pay", "charge")]},
        "check": {"type": "task", "action": "check"},
    }, [*_exits("outer", "check", "failed"), *_exits("check", "ok", "outer")])
    plans, coverage = choose_plans(_workflow(flow))
    (failing,) = [p for p in plans if p.final == "failed"]
    assert failing.states() == ["outer", "failed"]  # failed on its first visit
    assert [u.goal for u in coverage.uncovered] == ["check --error--> outer"]


def test_the_simulator_plays_a_parallel_states_failure() -> None:
    workflow = _workflow(ORDERS)
    index = next(i for i, t in enumerate(workflow.transitions) if t.source == "outer" and t.trigger == "error")
    script = path_script(workflow, [RouteStep(state="outer", transition=index)])
    assert script.playable, script.reason
    (cue,) = script.cues
    assert (cue.event, cue.payload["kind"]) == ("error", "join")
    assert cue.words.startswith("charge fails in branch outer.pay")
