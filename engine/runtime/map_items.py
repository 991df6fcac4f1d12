"""A map state's items (pure): the list it maps over, the child each item starts, and the verdict once an item
ends — start the next ones, done with the results in item order, or `map_failed` beyond the tolerance.

Each item runs as a child instance whose `branch` ends in `#index` (`state.iterator#3` for an inline iterator,
`#3` for a subflow), so the item's position is part of the child and cannot be changed by what it runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.definition.expressions import ExpressionError
from engine.definition.map_state import MAX_MAP_ITEMS, MapState
from engine.runtime.effects import StartChild
from engine.runtime.json_types import json_type
from engine.runtime.snapshot import TERMINAL, InstanceStatus
from engine.runtime.variables import evaluate_json, evaluate_mapping

__all__ = [
    "ITERATOR",
    "MAP_ITEM",
    "ItemEnd",
    "MapItemsError",
    "MapTally",
    "MapVerdict",
    "closing_progress",
    "item_children",
    "map_items",
    "map_results",
    "map_verdict",
    "progress_counts",
    "split_item",
    "unheard_ends",
]

ITERATOR = "iterator"  # the branch name of a map's inline flow: `state.iterator`
MAP_ITEM = "(item)"  # the history event of the parent when one item ended and the map goes on
_ITEM = re.compile(r"^(?P<base>.*)#(?P<index>\d+)$")
_PLAIN_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


class MapItemsError(Exception):
    """The map cannot run its items: `kind` is `map_items` (not a list) or `map_too_large`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.message = kind, message


def split_item(branch: str) -> tuple[str, int | None]:
    """A child's branch without its item index, and the index (None for a child that is not a map item)."""
    found = _ITEM.match(branch)
    if found is None:
        return branch, None
    return found["base"], int(found["index"])


def _read_path(source: str, scope: dict[str, Any]) -> Any:
    """What a plain dotted path (`leads`, `batch.leads`) names in the scope, read straight from the JSON; None
    when `source` is no plain path or the path is not there (CEL then evaluates it, and says what is wrong)."""
    if _PLAIN_PATH.fullmatch(source) is None:
        return None
    value: Any = scope
    for part in source.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def map_items(state: MapState, scope: dict[str, Any]) -> list[Any]:
    """The list `items` gives, checked: a list of at most MAX_MAP_ITEMS entries. A plain path is read without
    CEL: the list is read at every item's start, and converting a thousand items to CEL values and back each
    time made a map's cost grow with the square of its length."""
    found = _read_path(state.items, scope)
    if isinstance(found, list):
        found = list(found)
    else:
        try:
            found = evaluate_json(state.items, scope)
        except ExpressionError as exc:
            raise MapItemsError("map_items", f"{exc.expression}: {exc.message}") from exc
    if not isinstance(found, list):
        raise MapItemsError("map_items", f"'{state.items}' gave {json_type(found)}, not a list")
    if len(found) > MAX_MAP_ITEMS:
        raise MapItemsError("map_too_large", f"'{state.items}' gave {len(found)} items; a map runs at most "
                                             f"{MAX_MAP_ITEMS}")
    return found


def item_children(state_id: str, state: MapState, items: Sequence[Any], indexes: Sequence[int], *,
                  scope: dict[str, Any], branch: str, parent_seq: int | None = None,
                  reuse_from: int | None = None) -> list[StartChild]:
    """The children starting the items at `indexes`; an `input` that fails to evaluate raises MapItemsError.
    `reuse_from`: the visit (of a redriven map) whose succeeded items are carried over rather than run again."""
    base = f"{branch}/{state_id}.{ITERATOR}" if branch else f"{state_id}.{ITERATOR}"
    kind, workflow = ("branch", "") if state.iterator is not None else ("subflow", state.workflow or "")
    if kind == "subflow":
        base = ""
    started = []
    for index in indexes:
        own = {state.item_key: items[index], state.index_key: index}
        try:
            context = evaluate_mapping(state.input, {**scope, **own}) if state.input else own
        except ExpressionError as exc:
            raise MapItemsError("input", f"item {index}: {exc.expression}: {exc.message}") from exc
        started.append(StartChild(kind, workflow, state.version, f"{base}#{index}", state_id, context,
                                  parent_seq=parent_seq, reuse_from=reuse_from))
    return started


@dataclass(frozen=True, slots=True)
class ItemEnd:
    index: int
    instance_id: str
    status: str  # running, held, stuck, succeeded, failed, cancelled
    result: Any = None
    error: Any = None


@dataclass(frozen=True, slots=True)
class MapVerdict:
    outcome: str  # 'pending' (go on, starting `start`), 'done' or 'error'
    start: tuple[int, ...] = ()
    cancel: tuple[str, ...] = ()  # instance ids of items still running, to cancel
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MapTally:
    """One visit's items so far: how many started and succeeded, and each one that has not succeeded (running,
    held, stuck, failed or cancelled) — a map's next step needs no more than that."""

    started: int
    succeeded: int
    others: tuple[ItemEnd, ...] = ()


def map_verdict(state: MapState, tally: MapTally, total: int) -> MapVerdict:
    """After an item ended: fail once more items failed than tolerated (cancelling the running ones), finish
    once every item ended (the caller collects the results), else start as many next items as `max_concurrency`
    allows."""
    failed = sorted(e.index for e in tally.others if e.status in (InstanceStatus.FAILED, InstanceStatus.CANCELLED))
    running = [e for e in tally.others if e.status not in TERMINAL]
    tolerated = state.tolerated(total)
    if len(failed) > tolerated:
        message = (f"{len(failed)} of {total} items failed (items {', '.join(map(str, failed))}); "
                   f"{tolerated} tolerated")
        return MapVerdict("error", cancel=tuple(e.instance_id for e in running),
                          payload={"kind": "map_failed", "message": message, "failed": failed, "total": total,
                                   "cancelled": sorted(e.index for e in running)})
    if not running and tally.started >= total:
        return MapVerdict("done", payload={"failed": failed, "total": total})
    room = max(0, state.max_concurrency - len(running))
    start = tuple(range(tally.started, min(total, tally.started + room)))
    return MapVerdict("pending", start, payload={"done": tally.succeeded, "failed": len(failed), "running":
                                                len(running) + len(start), "total": total, "start": list(start)})


def closing_progress(tally: MapTally, total: int, ends: Sequence[ItemEnd], parent_seq: int) -> list[dict[str, Any]]:
    """The payloads of the `(item)` rows the parent writes as the map ends (`done`, or `map_failed`): one for each
    of `ends` — the item whose end decides it, and those that ended before it unheard (in one transaction with
    it) — in the order given, each counting the ends as of its own row, as the rows before do: the last row's
    `done` and `failed` are every item that ended, its `active` the items still running (the failure cancels
    them) and `total - done - failed - active` the items never started."""
    active = sum(1 for e in tally.others if e.status not in TERMINAL)
    done = tally.succeeded - sum(1 for e in ends if e.status == InstanceStatus.SUCCEEDED)
    failed = sum(1 for e in tally.others if e.status in TERMINAL) - sum(
        1 for e in ends if e.status != InstanceStatus.SUCCEEDED)
    rows = []
    for heard, end in enumerate(ends, start=1):
        succeeded = end.status == InstanceStatus.SUCCEEDED
        done, failed = done + succeeded, failed + (not succeeded)
        rows.append({"index": end.index, "status": end.status, "child": end.instance_id, "parent_seq": parent_seq,
                     **progress_counts(done, failed, active, len(ends) - heard, total), "start": []})
    return rows


def progress_counts(done: int, failed: int, active: int, ended_unheard: int, total: int) -> dict[str, int]:
    """An `(item)` row's counts. `running` (kept for the readers of earlier rows) is `active + ended_unheard`:
    the items running after the row's step (at most `max_concurrency`, the items it starts among them) and those
    that had ended without the parent having heard of it yet — each has a row of its own after this one."""
    return {"done": done, "failed": failed, "running": active + ended_unheard, "active": active,
            "ended_unheard": ended_unheard, "total": total}


def unheard_ends(tally: MapTally, item_id: str, item_status: str, heard: int,
                 unheard_failures: Callable[[Sequence[str]], int]) -> tuple[int, int]:
    """How many of the items that ended besides `item_id` (which ended `item_status`) succeeded, and how many
    failed, without the parent having heard their end yet — they ended in one transaction with it (a group
    commit) and their own ends are still queued; `heard`: the ends the parent heard before this one. The row of
    this end counts them as running still, as they were when it ended. Which of the failures were heard is
    asked of `unheard_failures` (given the failed items' ids; it reads) only when the counts leave it open:
    some ends heard, failures tolerated, and both kinds among the others."""
    failed = [e.instance_id for e in tally.others if e.status in TERMINAL and e.instance_id != item_id]
    succeeded = tally.succeeded - (item_status == InstanceStatus.SUCCEEDED)
    unheard = succeeded + len(failed) - heard
    if unheard <= 0:
        return 0, 0
    fewest, most = max(0, unheard - len(failed)), min(unheard, succeeded)
    found = fewest if fewest == most else min(most, max(fewest, unheard - unheard_failures(failed)))
    return found, unheard - found


def map_results(total: int, succeeded: Sequence[tuple[int, Any]]) -> list[Any]:
    """One entry per item, in item order: its result, or null where it did not succeed."""
    by_index = dict(succeeded)
    return [by_index.get(i) for i in range(total)]
