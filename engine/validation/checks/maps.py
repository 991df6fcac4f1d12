"""Checks of map states beyond their shape (the model refuses a map without a body, with both tolerances, or
with a `max_concurrency` out of range — `schema` findings pointing at the field)."""

from __future__ import annotations

from engine.definition import FinalState, MapState
from engine.validation.checks._report import error, warning
from engine.validation.checks.constants import constant_of
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_map_items_not_lists", "find_maps_without_results"]


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


def _why_not_a_list(source: str) -> str | None:
    """Why a map's constant `items` is no list to map over; None for one that is, or that reads a variable (known
    only on entering the map, which then fails with kind `map_items`)."""
    constant = constant_of(source)
    if constant is None:
        return None
    if constant.error is not None:
        return f"it fails to evaluate ({constant.error.rstrip('.')})"
    value = constant.value
    if isinstance(value, list):
        return None
    shown = " ".join(source.split())
    shown = shown if len(shown) <= 60 else shown[:60] + "…"
    return f"`{shown}` is a constant, {_KIND_WORDS.get(type(value).__name__, 'a ' + type(value).__name__)}"


_KIND_WORDS = {"str": "a text", "int": "a number", "float": "a number", "bool": "a boolean", "dict": "a map",
               "NoneType": "null", "bytes": "bytes", "timedelta": "a duration", "datetime": "a time"}


def find_map_items_not_lists(machine: Machine) -> list[Finding]:
    """Each map whose `items` is a constant that is not a list (`'abc'`, `3`, `{'a': 1}`): every visit would fail
    the map with kind `map_items` before a single item ran."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        if not isinstance(state, MapState):
            continue
        why = _why_not_a_list(state.items)
        if why is not None:
            message = (f"The items of map state '{sid}' are not a list: {why}. Entering the map would fail it with "
                       "kind `map_items` every time. Give a list (`['a', 'b']`) or a context key holding one.")
            found.append(error("map-items-not-a-list", message, machine.state_pointer(sid, "items"), states=(sid,)))
    return found
