"""`shadowed-transition`: a transition tried after one with no guard, from the same state on the same trigger,
never fires — the engine tries the highest priority first, then file order, and takes the first that holds. QA
found `{c → big, guard "n > 10"}, {c → small, priority 5}` ending in `small` with n = 50, and no finding; error
transitions had `unreachable-catch` for this, choices, automatic transitions and triggers nothing."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from engine.runtime.engine import Engine
from engine.validation.loader import load_workflow

CHOICE: dict[str, Any] = {
    "id": "sizes", "title": "Sizes", "initial": "c",
    "context": {"type": "object", "properties": {"n": {"type": "integer"}}},
    "states": {"c": {"type": "choice"}, "big": {"type": "final"}, "small": {"type": "final"}},
    "transitions": [{"source": "c", "dest": "big", "guard": "n > 10"},
                    {"source": "c", "dest": "small", "priority": 5}],
}


def _shadowed(document: dict[str, Any]) -> list[tuple[str, tuple[str, ...], tuple[int, ...], str]]:
    return [(f.pointer, f.states, f.transitions, f.message) for f in load_workflow(document).findings
            if f.code == "shadowed-transition"]


def test_a_guarded_choice_below_a_default_of_higher_priority_is_named_with_the_one_that_wins() -> None:
    loaded = load_workflow(CHOICE)
    assert [(f.code, f.severity) for f in loaded.findings] == [("shadowed-transition", "warning")]
    ((where, states, transitions, message),) = _shadowed(CHOICE)
    assert (where, states, transitions) == ("/transitions/0", ("c",), (0, 1))
    assert message == (
        "Transition 1 (c → big automatically) never fires: transition 2 (c → small automatically) has no guard, so "
        "it is always taken, and it is tried first (its priority is higher: 5 against 0). Give transition 1 a "
        "higher priority than 2, or give 2 a guard.")
    assert loaded.model is not None  # a warning: it still loads


def test_the_engine_does_what_the_finding_says(tmp_path: Path) -> None:
    with Engine(f"sqlite:///{tmp_path / 's.db'}") as engine:
        engine.deploy(CHOICE)
        assert engine.start("sizes", {"n": 50}).state == "small"


def test_a_default_earlier_in_the_file_at_the_same_priority_shadows_too() -> None:
    document = copy.deepcopy(CHOICE)
    document["transitions"] = [{"source": "c", "dest": "small"}, {"source": "c", "dest": "big", "guard": "n > 10"}]
    ((where, _, transitions, message),) = _shadowed(document)
    assert (where, transitions) == ("/transitions/1", (1, 0))
    assert "its priority is the same, and it comes earlier in the file" in message


@pytest.mark.parametrize("transitions", [
    [{"source": "c", "dest": "big", "guard": "n > 10", "priority": 6}, {"source": "c", "dest": "small", "priority": 5}],
    [{"source": "c", "dest": "big", "guard": "n > 10"}, {"source": "c", "dest": "small"}],
    [{"source": "c", "dest": "small", "priority": -1}, {"source": "c", "dest": "big", "guard": "n > 10"}],
])
def test_a_guarded_transition_tried_before_the_default_is_not_reported(transitions: list[dict[str, Any]]) -> None:
    assert load_workflow({**CHOICE, "transitions": transitions}).findings == []


ORDER: dict[str, Any] = {
    "id": "order", "title": "Order", "initial": "check",
    "context": {"type": "object", "properties": {"amount": {"type": "number"}}},
    "states": {
        "check": {"type": "task", "action": "check_order"},
        "review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "P1D"},
        "ok": {"type": "final"}, "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "check", "trigger": "done", "dest": "review"},
        {"source": "check", "trigger": "error", "dest": "refused"},
        {"source": "review", "trigger": "approve", "dest": "ok"},
        {"source": "review", "trigger": "reject", "dest": "refused"},
        {"source": "review", "trigger": "timeout", "dest": "refused"},
    ],
}


@pytest.mark.parametrize(("extra", "where", "transitions"), [
    ({"source": "check", "trigger": "done", "dest": "ok", "guard": "amount < 10"}, "/transitions/5", (5, 0)),
    ({"source": "review", "trigger": "approve", "dest": "refused", "guard": "amount > 10"}, "/transitions/5", (5, 2)),
    ({"source": "check", "trigger": "error", "dest": "ok", "guard": "event.kind == 'timeout'"}, "/transitions/5",
     (5, 1)),
])
def test_triggered_transitions_below_an_unguarded_one_are_reported(extra: dict[str, Any], where: str,
                                                                   transitions: tuple[int, ...]) -> None:
    document = copy.deepcopy(ORDER)
    document["transitions"].append(extra)
    assert [(w, t) for w, _, t, _ in _shadowed(document)] == [(where, transitions)]


def test_a_transition_from_any_state_shadows_in_each_state_and_names_them() -> None:
    document = copy.deepcopy(ORDER)
    document["transitions"] += [{"source": "*", "trigger": "withdraw", "dest": "refused"},
                                {"source": ["check", "review"], "trigger": "withdraw", "dest": "ok",
                                 "guard": "amount < 10"}]
    ((where, states, transitions, message),) = _shadowed(document)
    assert (where, states, transitions) == ("/transitions/6", ("check", "review"), (6, 5))
    assert "never fires from 'check' and 'review'" in message


def test_what_other_checks_say_is_not_said_again() -> None:
    document = copy.deepcopy(ORDER)
    document["transitions"] += [{"source": "check", "trigger": "error", "dest": "ok", "errors": ["timeout"]},
                                {"source": "check", "trigger": "done", "dest": "ok"}]
    assert sorted(f.code for f in load_workflow(document).findings) == ["ambiguous-transition", "unreachable-catch"]


def test_a_shadowed_transition_inside_a_branch_says_the_way_there() -> None:
    branch = {"name": "sizing", "initial": "c", "states": copy.deepcopy(CHOICE["states"]),
              "transitions": copy.deepcopy(CHOICE["transitions"])}
    document = {**CHOICE, "initial": "p",
                "states": {"p": {"type": "parallel", "branches": [branch]}, "done": {"type": "final"},
                           "failed": {"type": "final", "outcome": "failure"}},
                "transitions": [{"source": "p", "trigger": "done", "dest": "done"},
                                {"source": "p", "trigger": "error", "dest": "failed"}]}
    ((where, _, _, message),) = _shadowed(document)
    assert where == "/states/p/branches/0/transitions/0"
    assert message.startswith("In parallel state 'p' \u203a branch 'sizing': Transition 1 (c → big automatically)")
