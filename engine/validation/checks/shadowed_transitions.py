"""`shadowed-transition`: a transition tried after one that always fires. The engine tries the transitions leaving
a state on one trigger (or automatically) highest `priority` first, then in file order (`engine/runtime/machines.py`),
and takes the first whose guard holds; one with no guard (and, on `error`, no `errors`) always holds, so every
transition it is tried before never fires — `{c → small, priority 5}` before `{c → big, guard "n > 10"}` takes
every instance to `small`, whatever `n` is.

Two cases are left to the checks that say them already: a limited `error` transition after a catch-all
(`unreachable-catch`), and a second unguarded transition at the same priority (`ambiguous-transition`)."""

from __future__ import annotations

from collections import defaultdict

from engine.definition import Transition
from engine.validation.checks._report import capitalised, quoted, transition_label, warning
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_shadowed_transitions"]


def _tried_in_order(machine: Machine, indexes: list[int]) -> list[int]:
    """Transition indexes in the order the engine tries them: higher priority first, then file order."""
    return sorted(indexes, key=lambda i: -machine.transitions[i].priority)


def _always_fires(transition: Transition) -> bool:
    return transition.guard is None and transition.catches is None


def _said_elsewhere(shadowed: Transition, winner: Transition) -> bool:
    if shadowed.trigger == "error" and shadowed.catches is not None:
        return True  # `unreachable-catch`
    return _always_fires(shadowed) and shadowed.priority == winner.priority  # `ambiguous-transition`


def _shadowing(machine: Machine) -> dict[tuple[int, int], list[str]]:
    """(shadowed transition, the one that always fires before it) → the states where it is so."""
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for sid, indexes in machine.outgoing.items():
        by_trigger: dict[str | None, list[int]] = defaultdict(list)
        for index in indexes:
            by_trigger[machine.transitions[index].trigger].append(index)
        for same in by_trigger.values():
            tried = _tried_in_order(machine, same)
            first = next((n for n, i in enumerate(tried) if _always_fires(machine.transitions[i])), None)
            if first is None:
                continue
            winner = tried[first]
            for index in tried[first + 1:]:
                if not _said_elsewhere(machine.transitions[index], machine.transitions[winner]):
                    found[(index, winner)].append(sid)
    return found


def _why_first(shadowed: Transition, winner: Transition) -> str:
    if winner.priority > shadowed.priority:
        return f"its priority is higher: {winner.priority} against {shadowed.priority}"
    return "its priority is the same, and it comes earlier in the file"


def find_shadowed_transitions(machine: Machine) -> list[Finding]:
    """Each transition tried after an unguarded one from the same state on the same trigger: it never fires."""
    found: list[Finding] = []
    for (index, winner), states in _shadowing(machine).items():
        shadowed, first = machine.transitions[index], machine.transitions[winner]
        where = f"from {quoted(states)}" if len(states) > 1 or shadowed.source != states[0] else ""
        message = (f"{capitalised(transition_label(shadowed, index))} never fires{' ' + where if where else ''}: "
                   f"{transition_label(first, winner)} has no guard, so it is always taken, and it is tried first "
                   f"({_why_first(shadowed, first)}). Give transition {index + 1} a higher priority than "
                   f"{winner + 1}, or give {winner + 1} a guard.")
        found.append(warning("shadowed-transition", message, machine.transition_pointer(index),
                             states=states, transitions=(index, winner)))
    return sorted(found, key=lambda f: f.transitions)
