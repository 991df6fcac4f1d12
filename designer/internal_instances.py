"""A map's item or a parallel state's branch asked for by its own id.

They are the engine's internal instances: the API serves them through their parent — a map's items with
`/items`, one item's transitions with `/items/{index}/history` — never by their own id (an inline item runs a
flow inside its parent's workflow, not a workflow of its own). A request for one answers where to read it, or
which instance to redrive, instead of a bare "no instance": for the caller's own tenant only; another tenant's id
stays a plain 404, with no hint that it exists (the caller checks that first).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from engine.read_models.map_items import map_item_instance
from engine.runtime.engine import Engine
from engine.runtime.map_items import split_item
from engine.runtime.views import InstanceView

__all__ = ["internal_instance_words", "internal_redrive_words"]

_DEEPEST = 32  # instances run at most this deep (a subflow's `too_deep`): the walk up to the top stops there


def _outermost(engine: Engine, view: InstanceView) -> InstanceView:
    """The instance of its own that `view` runs inside: its parent, or — for an item of a map in a parallel
    branch, say — the first one up that is no branch or item."""
    found = view
    for _ in range(_DEEPEST):
        if found.parent_id is None or not found.branch:
            break
        found = engine.get(found.parent_id)
    return found


@dataclass(frozen=True, slots=True)
class _Place:
    what: str  # "item 3 of the map of the instance P"
    read: str  # where it is read instead
    top: str  # the instance of its own it runs inside: the one to redrive


def _place(engine: Engine, database: sa.Engine, view: InstanceView) -> _Place:
    """What `view` is, named from the instance of its own it runs inside, and where it is read instead."""
    top = _outermost(engine, view).id
    parent, index = view.parent_id, split_item(view.branch)[1]
    whole = f"read {top} (GET /api/instances/{top})"
    if parent != top:
        return _Place(f"a map's item or a parallel state's branch inside the instance {top}", whole, top)
    if index is None:
        return _Place(f"the branch '{view.branch.rsplit('/', 1)[-1]}' of a parallel state of the instance {top}",
                      whole, top)
    items = f"GET /api/instances/{top}/items"
    latest = map_item_instance(database, top, index)
    if latest is None or latest[0] != view.id:
        return _Place(f"item {index} of an earlier visit of a map of the instance {top}",
                      f"the API reads the items of the map's latest visit: {items}", top)
    return _Place(f"item {index} of the map of the instance {top}", "read its transitions through its parent, "
                  f"GET /api/instances/{top}/items/{index}/history (the map's items: {items})", top)


def internal_instance_words(engine: Engine, database: sa.Engine, view: InstanceView) -> str:
    """Why the internal instance `view` is not served by its id, and where it is read instead."""
    place = _place(engine, database, view)
    return f"'{view.id}' is {place.what}, not an instance of its own: {place.read}"


def internal_redrive_words(engine: Engine, database: sa.Engine, view: InstanceView) -> str:
    """Why the internal instance `view` cannot be redriven, and which instance to redrive instead."""
    place = _place(engine, database, view)
    return (f"it is {place.what}, which has heard of its failure; redrive that one if it failed "
            f"(POST /api/instances/{place.top}/redrive): a map redriven carries over its items that succeeded "
            "and runs the others again")
