"""How a parallel state's branches and a map's items run in a generated test, told from the definition alone.

The children run with the stubs' default answers: a task ends `done`, a wait ends `done` — or, on a path that
lets them fire, an event wait with a timeout ends `timeout` — and a state goes on by its first transition on that
trigger. Where a guard would decide, the run cannot be told without solving it, and is followed no further: what
is told is what a generated test may claim (the waits it drives, whether the state ends `done` or `error`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.definition import FinalState, MapState, ParallelState, WaitState
from engine.testgen.inner_waits import item_count

__all__ = ["fails", "reached", "route_from"]


def fails(state: Any, contexts: list[dict[str, Any]], *, timeouts: bool) -> bool:
    """Whether `state` (entered with one of `contexts`) ends with `error`: a parallel state whose join cannot be
    met, a map with more failed items than it tolerates. A child whose end cannot be told counts as succeeding."""
    if isinstance(state, ParallelState):
        failed = sum(_route(branch, timeouts=timeouts)[0] == "failure" for branch in state.branches)
        total = len(state.branches)
        needed = {"all": total, "any": 1}.get(state.join.mode, state.join.quorum or total)
        return failed > total - needed
    if isinstance(state, MapState) and state.iterator is not None:
        count = max((item_count(state, c) for c in contexts), default=0)
        return _route(state.iterator, timeouts=timeouts)[0] == "failure" and count > state.tolerated(count)
    return False


def reached(state_id: str, state: Any, *, timeouts: bool) -> set[tuple[str, str]]:
    """(child branch, state) for every state inside `state` its children are known to go through, at any depth
    (branches named as the engine names them, a map item's without its index)."""
    found: set[tuple[str, str]] = set()
    for branch, machine in _machines(state_id, state):
        for sid in _route(machine, timeouts=timeouts)[1]:
            found.add((branch, sid))
            found |= {(f"{branch}/{inner}", at) for inner, at in reached(sid, machine.states[sid], timeouts=timeouts)}
    return found


def _machines(state_id: str, state: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(state, ParallelState):
        for branch in state.branches:
            yield f"{state_id}.{branch.name}", branch
    elif isinstance(state, MapState) and state.iterator is not None:
        yield f"{state_id}.iterator", state.iterator


def _route(machine: Any, *, timeouts: bool) -> tuple[str | None, list[str]]:
    return route_from(machine, machine.initial, timeouts=timeouts)


def route_from(machine: Any, at: str, *, timeouts: bool) -> tuple[str | None, list[str]]:
    """The outcome of the final state `machine` reaches from its state `at` (None: it cannot be told) and the
    states it goes through as far as that can be told."""
    seen: list[str] = []
    while at not in seen:
        seen.append(at)
        state = machine.states[at]
        if isinstance(state, FinalState):
            return state.outcome, seen
        trigger = "done"
        if isinstance(state, WaitState) and timeouts and state.event is not None and state.timeout is not None:
            trigger = "timeout"
        elif isinstance(state, ParallelState | MapState) and fails(state, [], timeouts=timeouts):
            trigger = "error"
        leaving = sorted((t for t in machine.transitions if at in t.sources(list(machine.states))),
                         key=lambda t: -t.priority)
        taken = next((t for t in leaving if t.trigger in (None, trigger)), None)
        if taken is None or taken.guard is not None:
            return None, seen
        at = taken.dest
    return None, seen
