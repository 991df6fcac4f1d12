"""Checks of map states beyond their shape (the model refuses a map without a body, with both tolerances, or
with a `max_concurrency` out of range — `schema` findings pointing at the field)."""

from __future__ import annotations

from engine.definition import FinalState, MapState
from engine.definition.expressions import ExpressionError
from engine.validation.checks._report import quoted, warning
from engine.validation.checks.dataflow import free_names
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_map_items_that_change", "find_maps_without_results"]

_CHANGING = ("memory", "budget")
"""Names whose value moves on while a map runs (shared memory, the month's spend) and that a map's next batch
reads afresh; `now` is read as it was on entering the map."""


def find_maps_without_results(machine: Machine) -> list[Finding]:
    """A map that stores its results (`output`) over an iterator whose successful final states give no
    `result`: every entry would be an empty object."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        if not isinstance(state, MapState) or state.output is None or state.iterator is None:
            continue
        finals = [s for s in state.iterator.states.values() if isinstance(s, FinalState) and s.outcome == "success"]
        if finals and not any(f.result for f in finals):
            message = (f"Map state '{sid}' stores its results under '{state.output}', but no successful final state "
                       "of its iterator sets a `result`, so every entry would be {}. Give the final state a `result`.")
            found.append(warning("map-without-results", message, machine.state_pointer(sid, "output"), states=(sid,)))
    return found


def find_map_items_that_change(machine: Machine) -> list[Finding]:
    """A map whose `items` reads a value that moves on while it runs: the list is read again as each batch of
    items starts (at the entry's `now`), so a later item could be given another list's entry (one skipped,
    another run twice)."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        if not isinstance(state, MapState):
            continue
        try:
            moving = sorted(set(_CHANGING) & free_names(state.items))
        except ExpressionError:
            continue  # `guard-syntax` reports it
        if moving:
            message = (f"Map state '{sid}' reads its items from an expression that reads {quoted(moving)}, which moves "
                       "on while the map runs: the list is read again as each batch of items starts, so later items "
                       "could come from another list. Put the list in the context before the map (an `assign` on a "
                       f"transition into '{sid}', or a step before it) and map over that key.")
            found.append(warning("map-items-change", message, machine.state_pointer(sid, "items"), states=(sid,)))
    return found
