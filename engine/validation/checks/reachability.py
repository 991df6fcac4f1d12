"""Getting in and getting out: every state reachable from the start, none stuck, every one able to finish."""

from __future__ import annotations

from collections import deque

from engine.validation.checks._report import error
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_dead_ends", "find_states_without_path_to_final", "find_unreachable_states", "ways_out"]


def ways_out(machine: Machine, state_id: str) -> set[str]:
    """Where a state's transitions lead, itself excluded (a missing destination still counts as a way out:
    `unknown-state` reports it)."""
    return {machine.transitions[i].dest for i in machine.outgoing[state_id]} - {state_id}


def find_unreachable_states(machine: Machine) -> list[Finding]:
    """States no sequence of transitions leads to from the machine's initial state."""
    if machine.initial not in machine.states:
        return []  # `unknown-state` already says the start is missing; everything would be unreachable
    reached = machine.reachable_from(machine.initial) | {machine.initial}
    if any(machine.transitions[i].dest not in machine.states for sid in reached for i in machine.outgoing[sid]):
        return []  # `unknown-state` names the misspelt destination; what it was meant to lead to would be listed
    start = "the start state" if not machine.is_branch else "the branch's start state"
    return [
        error("unreachable-state",
              f"No transition leads to '{sid}' from {start} '{machine.initial}', so it can never be used. "
              "Add a transition into it, or remove it.",
              machine.state_pointer(sid), states=(sid,))
        for sid in machine.states if sid not in reached
    ]


def find_dead_ends(machine: Machine) -> list[Finding]:
    """Non-final states with no transition to another state: an instance arriving there is stuck for ever."""
    found: list[Finding] = []
    for sid in machine.non_final:
        if ways_out(machine, sid):
            continue
        if machine.outgoing[sid]:
            message = (f"'{sid}' only loops back to itself: nothing leads out of it, so an instance that gets "
                       "here never finishes. Add a transition to another state, or make it a final state.")
        else:
            message = (f"'{sid}' has no transition out of it, so an instance that gets here is stuck for ever. "
                       "Add a transition from it, or make it a final state.")
        found.append(error("dead-end", message, machine.state_pointer(sid), states=(sid,)))
    return found


def find_states_without_path_to_final(machine: Machine) -> list[Finding]:
    """States from which no final state can be reached because every path circles in a closed loop.

    One reverse breadth-first search from the final states (and from dead ends and missing destinations,
    which other checks report) marks every state that can still finish; the rest are trapped.
    """
    can_finish = set(machine.finals)
    for sid in machine.non_final:
        exits = ways_out(machine, sid)
        if not exits or not exits <= machine.states.keys():
            can_finish.add(sid)
    queue = deque(can_finish)
    while queue:
        for predecessor in machine.predecessors(queue.popleft()):
            if predecessor not in can_finish:
                can_finish.add(predecessor)
                queue.append(predecessor)
    end = "a final state of the branch" if machine.is_branch else "a final state"
    return [
        error("no-path-to-final",
              f"From '{sid}' no path leads to {end}: every way on goes round a loop that never leaves. "
              "Add a transition out of the loop towards a final state.",
              machine.state_pointer(sid), states=(sid,))
        for sid in machine.non_final if sid not in can_finish
    ]
