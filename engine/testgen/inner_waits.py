"""The waits inside a parallel or map state, which a generated test must let pass before the state ends.

The planner treats a parallel or map state as one step whose children run with the stubs' default answers; a
wait in a branch or an item's iterator holds the state until the clock passes its duration or deadline, or its
event arrives (or, without it, its timeout passes). This module finds those waits, nested at any depth, each with
the contexts the children that reach it start from (a branch gets its parent's context, a map item the item's
input), so the planner can work out what the test must do: the events to publish, with the correlation key each
child computes, and how far to move the clock (engine.testgen.inside_drive).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from engine.definition import MapState, ParallelState, WaitState
from engine.definition.expressions import ExpressionError
from engine.runtime.variables import evaluate_json, evaluate_mapping

__all__ = ["InnerWait", "Unknown", "child_scope", "inner_waits"]


class Unknown(Exception):
    """What a child's context needs cannot be worked out from the test data (a map's items, an item's input)."""


@dataclass(frozen=True)
class InnerWait:
    """A wait inside the state: `branch` is the engine's name for the machine it is in (a child's `branch` with
    any item index left out: `outer.pay`, `each.iterator`, `outer.parcels/each.iterator`), `name` the state ids
    down to it (`each.hold`), `leaves` its first transition on each trigger (`done`, `timeout`) by priority, and
    `contexts` the context of every child that runs it."""

    branch: str
    sid: str
    name: str
    state: WaitState
    leaves: Mapping[str, str]
    contexts: tuple[dict[str, Any], ...]


def child_scope(context: dict[str, Any]) -> dict[str, Any]:
    """The names a child's expressions see, as the planner's data gives them (engine.testgen.solving.Data.scope)."""
    return {**context, "context": context, "instance": {}, "now": "2030-01-01T00:00:00Z", "budget": {}, "memory": {}}


def inner_waits(state_id: str, state: Any, context: dict[str, Any] | None = None) -> list[InnerWait]:
    """Every wait nested inside `state` (a parallel or map state entered with `context`); a map's items are read
    from `context`, so without one a map contributes its waits with no contexts. Raises Unknown when a map's
    items or an item's input cannot be evaluated on `context`."""
    return list(_walk(state_id, state, "", (), [] if context is None else [context]))


def _machines(state_id: str, state: Any, prefix: str,
              contexts: list[dict[str, Any]]) -> Iterator[tuple[str, Any, list[dict[str, Any]]]]:
    """(branch name, machine, the contexts its children start from) for each machine `state` runs."""
    if isinstance(state, ParallelState):
        for branch in state.branches:
            yield f"{prefix}{state_id}.{branch.name}", branch, contexts
    elif isinstance(state, MapState) and state.iterator is not None:
        yield f"{prefix}{state_id}.iterator", state.iterator, [item for c in contexts for item in _items(state, c)]


def _walk(state_id: str, state: Any, prefix: str, path: tuple[str, ...],
          contexts: list[dict[str, Any]]) -> Iterator[InnerWait]:
    for branch, machine, inner_contexts in _machines(state_id, state, prefix, contexts):
        for sid, inner in machine.states.items():
            if isinstance(inner, WaitState):
                leaves: dict[str, str] = {}
                for transition in sorted((t for t in machine.transitions if sid in t.sources(list(machine.states))),
                                         key=lambda t: -t.priority):
                    leaves.setdefault(transition.trigger or "", transition.dest)
                yield InnerWait(branch, sid, ".".join((*path, sid)), inner, leaves, tuple(inner_contexts))
            yield from _walk(sid, inner, f"{branch}/", (*path, sid), inner_contexts)


def _items(state: MapState, context: dict[str, Any]) -> list[dict[str, Any]]:
    """The context of each item the map runs on `context`."""
    scope = child_scope(context)
    try:
        items = evaluate_json(state.items, scope)
        if not isinstance(items, list):
            raise Unknown(f"the map's items '{state.items}' give no list on the test data")
        found = []
        for index, item in enumerate(items):
            own = {state.item_key: item, state.index_key: index}
            found.append(evaluate_mapping(state.input, {**scope, **own}) if state.input else own)
    except ExpressionError as exc:
        raise Unknown(f"the map's items or input cannot be evaluated on the test data: {exc.message}") from exc
    return found


def item_count(state: MapState, context: dict[str, Any]) -> int:
    """How many items the map runs on `context` (0 when that cannot be told)."""
    try:
        return len(_items(state, context))
    except Unknown:
        return 0
