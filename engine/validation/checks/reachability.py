"""Getting in and getting out: every state reachable from the start, none stuck, every one able to finish.

Reachability is read from the transitions that exist, next to the broken ones `unknown-state` reports: a
transition from or to a name that is no state of its machine is left out, so a state nothing else leads to is
reported in the same pass. Left out, though, such a transition would make the states it was meant for look
unreachable too — one misspelt destination, and every state after it reported. So a broken name counts as
leading to the states it was probably meant for (`meant_states`): those spelt nearly like it and, for a state of
an enclosing machine (a branch's transition may not leave its branch), the machine's own states of the same
kind. Those states, and what they lead to, are neither reported unreachable nor taken as certainly reached
(`Reach.possible`). Only a start that names no state leaves nothing to measure from.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from engine.definition import FinalState, State
from engine.validation.checks._report import error
from engine.validation.findings import Finding
from engine.validation.graph import Machine, descendants

__all__ = ["Reach", "find_dead_ends", "find_states_without_path_to_final", "find_unreachable_states", "meant_states",
           "reach", "ways_out"]

_NEARLY = 0.75
"""How alike (difflib's ratio, letter case aside) a broken name and a state id must be for the one to be taken as
a misspelling of the other: 'reveiw' and 'review' are 0.83 alike, 'rute' and 'route' 0.89, 'missing_state' and
'orphan' 0.21."""


@dataclass(frozen=True, slots=True)
class Reach:
    """The states of one machine some path from its start leads to over existing transitions (`certain`, the start
    included), and those only a broken transition may lead to (`possible`; every state when the start names none)."""

    certain: frozenset[str]
    possible: frozenset[str]

    def unreachable(self, machine: Machine) -> list[str]:
        return [sid for sid in machine.states if sid not in self.certain and sid not in self.possible]


def _same_kind(state: State, other: State) -> bool:
    if isinstance(state, FinalState) and isinstance(other, FinalState):
        return state.outcome == other.outcome
    return state.type == other.type


def meant_states(machine: Machine, name: str) -> list[str]:
    """The machine's states a name that names none of them was probably meant for."""
    import difflib  # noqa: PLC0415 - only a broken name needs it; `validate` starts in half a second

    by_case: dict[str, list[str]] = {}
    for sid in machine.states:
        by_case.setdefault(sid.lower(), []).append(sid)
    near = difflib.get_close_matches(name.lower(), by_case, n=len(by_case), cutoff=_NEARLY)
    meant = [sid for key in near for sid in by_case[key]]
    elsewhere = machine.enclosing.get(name)
    if elsewhere is not None:
        meant += [sid for sid, state in machine.states.items() if _same_kind(state, elsewhere) and sid not in meant]
    return meant


def _mended(machine: Machine) -> dict[str, set[str]]:
    """For each transition naming a source or destination that is no state, where it probably leads: source ->
    destinations."""
    mended: dict[str, set[str]] = {}
    for transition in machine.transitions:
        sources = list(dict.fromkeys(machine.sources(transition)))
        if transition.dest in machine.states and all(source in machine.states for source in sources):
            continue
        dests = [transition.dest] if transition.dest in machine.states else meant_states(machine, transition.dest)
        for source in sources:
            for meant in [source] if source in machine.states else meant_states(machine, source):
                mended.setdefault(meant, set()).update(dests)
    return mended


def reach(machine: Machine) -> Reach:
    """Which of the machine's states a path from its start certainly, or only possibly, leads to."""
    if machine.initial not in machine.states:
        return Reach(frozenset(), frozenset(machine.states))
    certain = machine.reachable_from(machine.initial) | {machine.initial}
    mended = _mended(machine)
    if not mended:
        return Reach(frozenset(certain), frozenset())

    def successors(sid: str) -> Iterator[str]:
        yield from machine.successors(sid)
        yield from mended.get(sid, ())

    possible = descendants(machine.initial, successors) - certain
    return Reach(frozenset(certain), frozenset(possible))


def ways_out(machine: Machine, state_id: str) -> set[str]:
    """Where a state's transitions lead, itself excluded (a missing destination still counts as a way out:
    `unknown-state` reports it)."""
    return {machine.transitions[i].dest for i in machine.outgoing[state_id]} - {state_id}


def find_unreachable_states(machine: Machine) -> list[Finding]:
    """States no sequence of transitions leads to from the machine's initial state (nor any broken transition
    probably meant to, see the module's docstring; with no start at all, `unknown-state` says so and nothing
    else can be told)."""
    start = f"{machine.called()}'s start state" if machine.is_branch else "the start state"
    return [
        error("unreachable-state",
              f"No transition leads to '{sid}' from {start} '{machine.initial}', so it can never be used. "
              "Add a transition into it, or remove it.",
              machine.state_pointer(sid), states=(sid,))
        for sid in reach(machine).unreachable(machine)
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
    end = f"a final state of {machine.called()}" if machine.is_branch else "a final state"
    return [
        error("no-path-to-final",
              f"From '{sid}' no path leads to {end}: every way on goes round a loop that never leaves. "
              "Add a transition out of the loop towards a final state.",
              machine.state_pointer(sid), states=(sid,))
        for sid in machine.non_final if sid not in can_finish
    ]
