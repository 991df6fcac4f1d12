"""`automatic-cycle`: a loop of states that never wait, led round by automatic transitions.

Reported after a flow validated clean and every start failed with `{"kind": "loop", "message": "more than 200
automatic transitions in a row"}`: choice `a` went to final `f` only on guard `false`, else to `b`; `b` to `f` only
on `1 == 2`, else back to `a`."""

from __future__ import annotations

import copy
from typing import Any

from engine.runtime.decide import MAX_AUTOMATIC_STEPS, start
from engine.runtime.machines import CompiledWorkflow
from engine.runtime.snapshot import Environment
from engine.validation.checks.automatic_cycles import AUTOMATIC_STEP_LIMIT
from engine.validation.findings import Finding
from engine.validation.loader import load_workflow, require_workflow

CODE = "automatic-cycle"

LOOP: dict[str, Any] = {
    "id": "choice_loop", "title": "Choice loop", "initial": "a",
    "context": {"type": "object", "properties": {"n": {"type": "integer"}}},
    "states": {"a": {"type": "choice"}, "b": {"type": "choice"}, "f": {"type": "final"}},
    "transitions": [
        {"source": "a", "dest": "f", "guard": "false"},
        {"source": "a", "dest": "b"},
        {"source": "b", "dest": "f", "guard": "1 == 2"},
        {"source": "b", "dest": "a"},
    ],
}


def _loop() -> dict[str, Any]:
    return copy.deepcopy(LOOP)


def _ours(document: dict[str, Any]) -> list[Finding]:
    loaded = load_workflow(document)
    return [f for f in loaded.findings if f.code == CODE]


def test_a_loop_of_choices_that_assigns_nothing_can_never_end() -> None:
    loaded = load_workflow(_loop())
    assert loaded.model is not None, "a warning: the flow still loads"
    [finding] = loaded.findings
    assert (finding.code, finding.severity, finding.pointer, finding.states, finding.transitions) == (
        CODE, "warning", "/states/a", ("a", "b"), (1, 3))
    assert finding.message.startswith("The choices 'a' and 'b' lead into one another by automatic transitions "
                                      "(transitions 2 and 4) and none of them waits")
    assert "can never end unless a guard that reads `now` changes" in finding.message
    assert "after 200 automatic transitions in a row" in finding.message


def test_a_loop_that_assigns_ends_only_if_the_assignments_make_a_guard_leave_it() -> None:
    document = _loop()
    document["transitions"][0]["guard"] = "n >= 3"
    document["transitions"][3]["assign"] = {"n": "n + 1"}
    [finding] = _ours(document)
    assert "Transition 4 in it changes the context (`assign`): the loop ends only if those assignments make a " \
           "guard leave it within 200 automatic steps" in finding.message
    assert "never end" not in finding.message


def test_a_choice_leading_back_into_itself_is_a_loop() -> None:
    document = _loop()
    document["transitions"] = [{"source": "a", "dest": "a", "guard": "n < 3"}, {"source": "a", "dest": "f"}]
    del document["states"]["b"]
    [finding] = _ours(document)
    assert (finding.pointer, finding.states, finding.transitions) == ("/states/a", ("a",), (0,))
    assert finding.message.startswith("The choice 'a' leads back into itself by automatic transitions (transition 1)")


def test_a_state_that_waits_breaks_the_loop() -> None:
    document = _loop()
    document["states"]["t"] = {"type": "task", "action": "check_order"}
    document["transitions"][3] = {"source": "b", "dest": "t"}
    document["transitions"] += [{"source": "t", "trigger": "done", "dest": "a"},
                                {"source": "t", "trigger": "error", "dest": "f"}]
    assert load_workflow(document).findings == []


def test_a_state_whose_automatic_transitions_are_all_guarded_may_wait_and_breaks_the_loop() -> None:
    """It does its work when none of them holds; one with an unguarded automatic transition never waits."""
    document = _loop()
    document["states"]["t"] = {"type": "task", "action": "check_order"}
    document["transitions"][3] = {"source": "b", "dest": "t"}
    document["transitions"] += [{"source": "t", "dest": "a", "guard": "n > 1"},
                                {"source": "t", "trigger": "done", "dest": "f"},
                                {"source": "t", "trigger": "error", "dest": "f"}]
    assert _ours(document) == []
    document["transitions"][4].pop("guard")
    [finding] = _ours(document)
    assert (finding.states, finding.transitions) == (("a", "b", "t"), (1, 3, 4))
    assert finding.message.startswith("The states 'a', 'b' and 't' lead into one another")
    assert "a state with an automatic transition without a guard, which is always taken" in finding.message


def test_a_loop_inside_a_parallel_branch_is_found_there() -> None:
    branch = {"name": "inner", **{k: v for k, v in _loop().items() if k in ("initial", "states", "transitions")}}
    document = {
        "id": "outer", "title": "Outer", "initial": "p",
        "context": {"type": "object", "properties": {"n": {"type": "integer"}}},
        "states": {"p": {"type": "parallel", "branches": [branch]}, "done": {"type": "final"},
                   "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "p", "trigger": "done", "dest": "done"},
                        {"source": "p", "trigger": "error", "dest": "failed"}],
    }
    [finding] = _ours(document)
    assert (finding.pointer, finding.states) == ("/states/p/branches/0/states/a", ("a", "b"))
    # the way there names the branch; the message itself no longer names it a second time
    assert finding.message == ("In parallel state 'p' \u203a branch 'inner' \u203a state 'a': " + _TOP_LEVEL_MESSAGE)


def test_a_loop_inside_a_map_s_iterator_is_said_the_way_there_once() -> None:
    iterator = {k: v for k, v in _loop().items() if k in ("initial", "states", "transitions")}
    document = {
        "id": "outer", "title": "Outer", "initial": "each",
        "states": {"each": {"type": "map", "items": "[1, 2]", "input": {"n": "index"}, "iterator": iterator},
                   "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "each", "trigger": "done", "dest": "done"},
                        {"source": "each", "trigger": "error", "dest": "failed"}],
    }
    [finding] = _ours(document)
    assert (finding.pointer, finding.states) == ("/states/each/iterator/states/a", ("a", "b"))
    assert finding.message == "In map state 'each' \u203a iterator \u203a state 'a': " + _TOP_LEVEL_MESSAGE


_TOP_LEVEL_MESSAGE = (
    "The choices 'a' and 'b' lead into one another by automatic transitions (transitions 2 and 4) and none of them "
    "waits, so an instance that enters this loop leaves it only when a guard takes it out. Nothing in the loop "
    "changes the context (none of those transitions has an `assign`), so the guards answer the same each time "
    "round: once entered, it can never end unless a guard that reads `now` changes, and the instance fails with "
    "kind 'loop' after 200 automatic transitions in a row. Let the loop pass through a state that waits (a task, an "
    "approval, a wait), or give it an `assign` that makes a guard leave it.")


def test_a_loop_at_the_top_level_is_said_without_a_way_there() -> None:
    [finding] = _ours(_loop())
    assert finding.message == _TOP_LEVEL_MESSAGE


def test_the_limit_the_message_names_is_the_runtimes() -> None:
    assert AUTOMATIC_STEP_LIMIT == MAX_AUTOMATIC_STEPS


def _started(document: dict[str, Any], context: dict[str, Any]) -> tuple[str, str, Any]:
    env = Environment(now=1_900_000_000.0, instance={"id": "i1", "workflow": "w", "version": 1, "tenant": "t"})
    snapshot = start(CompiledWorkflow(require_workflow(document)), context, env).snapshot
    return snapshot.state, snapshot.status, snapshot.error


def test_the_runtime_does_what_the_warning_says() -> None:
    """Without an assign every start fails with kind `loop`; with one, the loop ends if a guard leaves it within
    the limit."""
    _, status, error = _started(_loop(), {"n": 0})
    assert (status, error["kind"]) == ("failed", "loop")
    counting = _loop()
    counting["transitions"][0]["guard"] = "n >= limit"
    counting["transitions"][3]["assign"] = {"n": "n + 1"}
    counting["context"]["properties"]["limit"] = {"type": "integer"}
    assert _started(counting, {"n": 0, "limit": 3})[:2] == ("f", "succeeded")
    assert _started(counting, {"n": 0, "limit": 90})[:2] == ("f", "succeeded")  # two steps a round: under 200
    assert _started(counting, {"n": 0, "limit": 150})[2]["kind"] == "loop"  # 301 would be needed
