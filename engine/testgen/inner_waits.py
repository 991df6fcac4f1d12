"""The duration waits inside a parallel or map state, which a generated test must let pass before the state ends.

The planner treats a parallel or map state as one step whose children run with the stubs' default answers; a
wait for a duration in a branch or an item's iterator holds the state until the clock passes it. The test moves
its manual clock past the longest such wait and lets the engine catch up, round after round (a branch may wait
more than once in a row, a map runs its items a batch at a time), until the flow leaves the state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.definition import MapState, ParallelState, WaitState
from engine.definition.durations import parse_duration
from engine.definition.map_state import MAX_MAP_ITEMS

__all__ = ["InnerWaits", "inner_waits"]


@dataclass(frozen=True)
class InnerWaits:
    """How far to move the clock each round (`seconds`), at most how many rounds, and the waits, named."""

    seconds: float
    rounds: int
    names: tuple[str, ...]


def inner_waits(state: Any) -> InnerWaits | None:
    """The duration waits nested anywhere inside `state` (a parallel or map state), or None if it has none."""
    found = _waits(state, ())
    if not found:
        return None
    longest = max(parse_duration(duration).total_seconds() for _, duration in found)
    names = tuple(f"{'.'.join(path)} ({duration})" for path, duration in found)
    return InnerWaits(seconds=longest + 1, rounds=_rounds(state), names=names)


def _children(state: Any) -> list[Mapping[str, Any]]:
    """The state machines `state` runs inside itself: a parallel state's branches, a map's inline iterator."""
    if isinstance(state, ParallelState):
        return [branch.states for branch in state.branches]
    if isinstance(state, MapState) and state.iterator is not None:
        return [state.iterator.states]
    return []


def _waits(state: Any, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
    found: list[tuple[tuple[str, ...], str]] = []
    for states in _children(state):
        for sid, inner in states.items():
            if isinstance(inner, WaitState) and inner.duration is not None:
                found.append(((*path, sid), inner.duration))
            found += _waits(inner, (*path, sid))
    return found


def _rounds(state: Any) -> int:
    """At most how many times the clock must move for `state` to end: each wait in a branch once (branches run
    side by side, so the busiest branch counts), and a map's iterator once per batch of items."""
    per_child = [sum(_rounds(inner) + (isinstance(inner, WaitState) and inner.duration is not None)
                     for inner in states.values()) for states in _children(state)]
    rounds = max(per_child, default=0)
    if isinstance(state, MapState):
        rounds *= math.ceil(MAX_MAP_ITEMS / state.max_concurrency)
    return rounds
