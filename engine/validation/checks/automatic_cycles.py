"""Loops an instance goes round without ever waiting: `automatic-cycle`.

Entering a state, the engine takes the first of its automatic transitions (those without a `trigger`) whose guard
holds, at once, and starts the state's work only if none is taken (docs/definition-format.md#states). A choice
never waits — it takes a transition or fails — and neither does a state with an automatic transition without a
guard: that one is always taken. A cycle made only of such states can end only by a guard changing its answer,
and the guards read the context, which only the `assign` of a transition in the loop can change (or `now`).
Otherwise the instance goes round until the runtime stops it after `AUTOMATIC_STEP_LIMIT` automatic transitions
in a row and fails it with kind `loop`.

The cycles are found by the workflow analysis's own components (`engine.validation.analysis.looping_components`)
over the graph of those states and their automatic transitions.
"""

from __future__ import annotations

from engine.definition import ChoiceState, FinalState
from engine.validation.analysis import looping_components
from engine.validation.checks._report import listed, quoted, warning
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["AUTOMATIC_STEP_LIMIT", "find_automatic_cycles"]

AUTOMATIC_STEP_LIMIT = 200
"""The automatic transitions in a row after which the runtime fails an instance with kind `loop`
(`engine.runtime.decide.MAX_AUTOMATIC_STEPS`, which validation may not import; a test holds the two equal)."""


def _never_waits(machine: Machine, sid: str) -> bool:
    """Whether entering the state always takes one of its automatic transitions (or fails): a choice, or a state
    with an automatic transition without a guard. A state of another kind whose automatic transitions are all
    guarded does its work — waits — when none of them holds."""
    state = machine.states[sid]
    if isinstance(state, FinalState):
        return False
    if isinstance(state, ChoiceState):
        return True
    return any(machine.transitions[i].trigger is None and machine.transitions[i].guard is None
               for i in machine.outgoing[sid])


def _numbers(indexes: list[int]) -> str:
    """Transition indexes as people count them, from 1."""
    return ("transition " if len(indexes) == 1 else "transitions ") + listed(str(i + 1) for i in indexes)


def find_automatic_cycles(machine: Machine) -> list[Finding]:
    """A warning for each group of states, none of which waits, that automatic transitions lead round: pointer
    at its first state (in file order), naming its states and the automatic transitions between them."""
    passing = [sid for sid in machine.states if _never_waits(machine, sid)]
    if not passing:
        return []
    among = set(passing)
    automatic = [(source, dest, index) for source, dest, index in machine.edges
                 if machine.transitions[index].trigger is None and source in among and dest in among]
    found: list[Finding] = []
    for members in looping_components(passing, ((source, dest) for source, dest, _ in automatic)):
        inside = set(members)
        loop = sorted({index for source, dest, index in automatic if source in inside and dest in inside})
        assigning = [index for index in loop if machine.transitions[index].assign]
        found.append(warning("automatic-cycle", _message(machine, members, loop, assigning),
                             machine.state_pointer(members[0]), states=members, transitions=loop))
    return found


def _message(machine: Machine, members: list[str], loop: list[int], assigning: list[int]) -> str:
    choices = all(isinstance(machine.states[sid], ChoiceState) for sid in members)
    if len(members) == 1:
        kind = "choice" if choices else "state"
        subject = f"The {kind} '{members[0]}' leads back into itself"
    else:
        kind = "choices" if choices else "states"
        subject = f"The {kind} {quoted(members)} lead into one another"
    what = "" if choices else (" (each a choice, or a state with an automatic transition without a guard, which "
                               "is always taken)")
    opening = (f"{subject} by automatic transitions ({_numbers(loop)}) and none of them waits{what}, so an "
               "instance that enters this loop leaves it only when a guard takes it out.")
    if assigning:
        changes = "changes" if len(assigning) == 1 else "change"
        return (f"{opening} {_numbers(assigning).capitalize()} in it {changes} the context (`assign`): the loop "
                "ends only if those assignments make a guard leave it within "
                f"{AUTOMATIC_STEP_LIMIT} automatic steps; otherwise the instance fails with kind 'loop'.")
    return (f"{opening} Nothing in the loop changes the context (none of those transitions has an `assign`), so the "
            "guards answer the same each time round: once entered, it can never end unless a guard that reads "
            f"`now` changes, and the instance fails with kind 'loop' after {AUTOMATIC_STEP_LIMIT} automatic "
            "transitions in a row. Let the loop pass through a state that waits (a task, an approval, a wait), or "
            "give it an `assign` that makes a guard leave it.")
