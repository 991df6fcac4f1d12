"""A map's item ended: the parent (locked by the caller) takes the map's next step — starts the next items
(a history row of its own, `(item)`, telling the progress as of that item's end), finishes with the results in
item order, or fails with `map_failed`, cancelling the items still running. Every item's end is an `(item)` row:
the ends that finish the map (the one heard, and any that ended with it unheard) are rows just before its `done`
or `error` step, in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from engine.definition import MapState
from engine.runtime.core import Runtime
from engine.runtime.job_payloads import child_done_key
from engine.runtime.map_items import (
    MAP_ITEM,
    ItemEnd,
    MapItemsError,
    MapTally,
    MapVerdict,
    closing_progress,
    map_items,
    map_results,
    map_verdict,
    progress_counts,
    split_item,
    unheard_ends,
)
from engine.runtime.snapshot import RUNNING, TERMINAL, Event, InstanceStatus
from engine.runtime.variables import variables
from storage.history import HistoryStore
from storage.instances import InstanceRecord, InstanceStore
from storage.jobs import JobStore
from storage.map_lists import KeptList, MapListStore
from storage.statuses import JobStatus
from storage.transaction import Transaction

__all__ = ["map_item_events"]

_LISTS: dict[tuple[str, int], KeptList] = {}
"""When each recent visit of a map was entered and the list it maps over (a visit is its parent's `parent_seq`;
the list is the one the entry kept, `storage.map_lists`), read once per visit and process rather than at every
item's end, and handed to the step that starts the next items — with, for a redriven map, the visit whose
succeeded items it carries over."""
_LISTS_KEPT = 64
_NOT_SUCCEEDED = tuple(s.value for s in InstanceStatus if s != InstanceStatus.SUCCEEDED)
_ENDED = tuple(sorted(TERMINAL))


def _started(tx: Transaction, parent: InstanceRecord, parent_seq: int) -> int:
    """How many items the visit `parent_seq` started, read in O(1) rows: the parent's latest step, an `(item)`
    step of this visit, counts them — its done, failed and running add up to every item started by then (items
    that ended unheard are counted running, items it starts are counted running). Right after entering (no
    `(item)` step yet), or after a step that is no `(item)` of this visit, the children are counted instead; on
    entering they are at most `max_concurrency`."""
    if parent.version != parent_seq:
        found = HistoryStore(tx).event_at(parent.id, parent.version)
        if found is not None and found[0] == MAP_ITEM and isinstance(found[1], dict):
            progress = found[1]
            counts = [count for key in ("done", "failed", "running") if isinstance(count := progress.get(key), int)]
            if progress.get("parent_seq") == parent_seq and len(counts) == 3:
                return sum(counts)
    return InstanceStore(tx).child_count(parent.id, parent_seq)


def _tally(tx: Transaction, parent: InstanceRecord, parent_seq: int) -> MapTally:
    """The visit's items so far from the children not succeeded (sought by status: the succeeded ones, most of a
    long map, are not read) and the count of items started: the work of an item's end does not grow with the
    number of items that ended before it."""
    unsettled = InstanceStore(tx).children_with_status(parent.id, parent_seq, _NOT_SUCCEEDED)
    started = _started(tx, parent, parent_seq)
    ends = []
    for child_id, branch, status in unsettled:
        index = split_item(branch)[1]
        if index is not None:
            ends.append(ItemEnd(index, child_id, status))
    return MapTally(started, started - len(unsettled), tuple(sorted(ends, key=lambda e: e.index)))


def _as_heard(tx: Transaction, tally: MapTally, child: InstanceRecord, heard: int,
              payload: dict[str, Any]) -> dict[str, Any]:
    """The verdict's counts as of `child`'s end: items that ended with it in one transaction, their ends not yet
    heard, are still running then. `heard`: the ends the parent heard before — one step each, so its steps since
    it entered the map, no read; which failures were heard is read only when that count leaves it open
    (engine.runtime.map_items.unheard_ends)."""
    def unheard_failures(failed: Sequence[str]) -> int:
        jobs = JobStore(tx)
        queued = (jobs.find(child_done_key(item_id)) for item_id in failed)
        return sum(1 for job in queued if job is not None and job.status in (JobStatus.READY, JobStatus.RUNNING))

    succeeded, failed = unheard_ends(tally, child.id, child.status, heard, unheard_failures)
    counts = progress_counts(payload["done"] - succeeded, payload["failed"] - failed, payload["running"],
                             succeeded + failed, payload["total"])
    return {**payload, **counts}


def _results(instances: InstanceStore, parent_id: str, parent_seq: int, total: int) -> list[Any]:
    found = [(index, result) for branch, result in instances.succeeded_results(parent_id, parent_seq)
             if (index := split_item(branch)[1]) is not None]
    return map_results(total, found)


def map_item_events(rt: Runtime, tx: Transaction, parent: InstanceRecord, state: MapState, child: InstanceRecord,
                    *, now: float) -> list[Event]:
    """The steps the map takes now that `child` ended, in order: its `(item)` step while the map goes on; the
    `(item)` steps of the ends that finish it, then its `done` or `error`. None (`[]`) if the child belongs to an
    earlier visit of the state (already cancelled), is no item, or the map ended already (its end was told)."""
    instances = InstanceStore(tx)
    if (parent.status != RUNNING or child.parent_seq is None or split_item(child.branch)[1] is None
            or instances.latest_child_seq(parent.id) != child.parent_seq):
        return []
    visit = (parent.id, child.parent_seq)
    kept = _LISTS.get(visit) or MapListStore(tx).get(parent.id, child.parent_seq)
    if kept is None:  # a visit entered before lists were kept: its list read at the entry's `now`, as it was then
        try:
            kept = _read_again(rt, tx, parent, state, visit=child.parent_seq, now=now)
        except MapItemsError as exc:
            return [Event("error", {"kind": exc.kind, "message": exc.message}, system=True)]
    if visit not in _LISTS:
        if len(_LISTS) >= _LISTS_KEPT:
            del _LISTS[next(iter(_LISTS))]  # the oldest visit
        _LISTS[visit] = kept
    total = len(kept.items)
    tally = _tally(tx, parent, child.parent_seq)
    verdict = map_verdict(state, tally, total)
    if verdict.outcome == "pending":
        index = split_item(child.branch)[1]
        progress = {"index": index, "status": child.status, "child": child.id, "parent_seq": child.parent_seq,
                    **_as_heard(tx, tally, child, parent.version - child.parent_seq, verdict.payload)}
        return [Event(MAP_ITEM, progress, system=True, visit_at=kept.entered_at, items=kept.items,
                      reuses=kept.reuses)]
    closing = [Event(MAP_ITEM, progress, system=True, visit_at=kept.entered_at)  # they start no item
               for progress in _closing(tx, parent, child, tally, verdict, total=total)]
    for item_id in verdict.cancel:
        item = instances.get_for_update(item_id)
        if item is not None and item.status not in TERMINAL:
            rt.writer.cancel(tx, item, now=now, actor=None)
    if verdict.outcome == "done":
        results = _results(instances, parent.id, child.parent_seq, total)
        return [*closing, Event("done", {"results": results, **verdict.payload}, system=True)]
    return [*closing, Event(verdict.outcome, verdict.payload, system=True)]


def _closing(tx: Transaction, parent: InstanceRecord, child: InstanceRecord, tally: MapTally, verdict: MapVerdict,
             *, total: int) -> list[dict[str, Any]]:
    """The `(item)` rows of the ends that finish the map, in item order: `child`'s, and those of the items that
    ended with it in one transaction (a group commit), whose own ends the parent would hear only once it left the
    map. Most often `child`'s alone, known from the counts (the parent's steps since it entered the map are one
    per end heard); else the ends heard are read from the visit's `(item)` rows — once per visit, as the results."""
    seq = cast("int", child.parent_seq)
    ended = tally.started - sum(1 for e in tally.others if e.status not in TERMINAL)
    if ended - (parent.version - seq) == 1:
        ends = [ItemEnd(cast("int", split_item(child.branch)[1]), child.id, child.status)]
    else:
        heard = {r.payload.get("child") for r in HistoryStore(tx).for_instance(parent.id, after_seq=seq)
                 if r.event == MAP_ITEM and isinstance(r.payload, dict) and r.payload.get("parent_seq") == seq}
        cancelled = set(verdict.cancel)
        found = (ItemEnd(index, item_id, status)
                 for item_id, branch, status in InstanceStore(tx).children_with_status(parent.id, seq, _ENDED)
                 if item_id not in heard and item_id not in cancelled and (index := split_item(branch)[1]) is not None)
        ends = sorted(found, key=lambda e: e.index)
    return closing_progress(tally, total, ends, seq)


def _read_again(rt: Runtime, tx: Transaction, parent: InstanceRecord, state: MapState, *, visit: int,
                now: float) -> KeptList:
    """The list of a visit entered before lists were kept, read at the `now` of the step that entered it (one
    history row); `MapItemsError` when it no longer reads as a list."""
    entered = HistoryStore(tx).event_at(parent.id, visit)
    entered_at = now if entered is None else entered[2]
    compiled = rt.writer.compiled_for(tx, parent)
    env = rt.writer.environment(tx, compiled, parent, entered_at)
    return KeptList(tuple(map_items(state, variables(parent.context, None, env, parent.state))), None, entered_at)
