"""Checks of map states beyond their shape (the model refuses a map without a body, with both tolerances, or
with a `max_concurrency` out of range — `schema` findings pointing at the field)."""

from __future__ import annotations

from engine.definition import FinalState, MapState
from engine.validation.checks._report import warning
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_maps_without_results"]


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
