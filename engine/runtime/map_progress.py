"""A map's item ended: the parent (locked by the caller) takes the map's next step — starts the next items
(a history row of its own, `(item)`, telling the progress), finishes with the results in item order, or fails
with `map_failed`, cancelling the items still running."""

from __future__ import annotations

from engine.definition import MapState
from engine.runtime.core import Runtime
from engine.runtime.map_items import MAP_ITEM, ItemEnd, MapItemsError, map_items, map_verdict, split_item
from engine.runtime.snapshot import RUNNING, TERMINAL, Event
from engine.runtime.variables import variables
from storage.instances import InstanceRecord, InstanceStore
from storage.transaction import Transaction

__all__ = ["map_item_event"]


def _ends(instances: InstanceStore, parent_id: str, parent_seq: int) -> list[ItemEnd]:
    ends = []
    for child in instances.children(parent_id, parent_seq):
        index = split_item(child.branch)[1]
        if index is not None:
            ends.append(ItemEnd(index, child.id, child.status, child.result, child.error))
    return sorted(ends, key=lambda e: e.index)


def map_item_event(rt: Runtime, tx: Transaction, parent: InstanceRecord, state: MapState, child: InstanceRecord, *,
                   now: float) -> Event | None:
    """The event the map takes now that `child` ended; None if the child belongs to an earlier visit of the
    state (already cancelled) or is no item."""
    instances = InstanceStore(tx)
    if (parent.status != RUNNING or child.parent_seq is None or split_item(child.branch)[1] is None
            or instances.latest_child_seq(parent.id) != child.parent_seq):
        return None
    compiled = rt.writer.compiled_for(tx, parent)
    scope = variables(parent.context, None, rt.writer.environment(tx, compiled, parent, now), parent.state)
    try:
        total = len(map_items(state, scope))
    except MapItemsError as exc:
        return Event("error", {"kind": exc.kind, "message": exc.message}, system=True)
    verdict = map_verdict(state, _ends(instances, parent.id, child.parent_seq), total)
    for item_id in verdict.cancel:
        item = instances.get_for_update(item_id)
        if item is not None and item.status not in TERMINAL:
            rt.writer.cancel(tx, item, now=now, actor=None)
    if verdict.outcome != "pending":
        return Event(verdict.outcome, verdict.payload, system=True)
    index = split_item(child.branch)[1]
    progress = {"index": index, "status": child.status, "child": child.id, "parent_seq": child.parent_seq,
                **verdict.payload}
    return Event(MAP_ITEM, progress, system=True)
