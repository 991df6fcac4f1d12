"""Joining a parallel state's branches (pure): done, failed, or still waiting — and what to cancel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.definition import Join
from engine.runtime.snapshot import TERMINAL, InstanceStatus

__all__ = ["BranchEnd", "JoinVerdict", "join_verdict", "merged_changes"]


@dataclass(frozen=True, slots=True)
class BranchEnd:
    name: str
    instance_id: str
    status: str  # running, held, stuck, succeeded, failed, cancelled
    context: dict[str, Any]
    result: Any = None
    error: Any = None


@dataclass(frozen=True, slots=True)
class JoinVerdict:
    outcome: str  # 'pending', 'done' or 'error'
    cancel: tuple[str, ...] = ()  # instance ids of branches to cancel now
    payload: dict[str, Any] = field(default_factory=dict)


def _needed(join: Join, total: int) -> int:
    if join.mode == "all":
        return total
    if join.mode == "any":
        return 1
    return min(join.quorum or total, total)


def merged_changes(base: dict[str, Any], ends: Sequence[BranchEnd]) -> dict[str, Any]:
    """The context keys succeeded branches changed, each the value the join leaves there: merged at the paths each
    branch wrote, so branches that write `enrichment.company` and `enrichment.person` both keep theirs. Where two
    wrote the same path, the later branch (in branch order) wins; a key a branch removed from an object it
    rewrote is removed."""
    merged: dict[str, Any] = {}
    for end in ends:
        if end.status != InstanceStatus.SUCCEEDED:
            continue
        for key, after in end.context.items():
            before = base.get(key, _ABSENT)
            if before is not _ABSENT and before == after:
                continue  # this branch left it as it was
            merged[key] = _merged(merged.get(key, before), before, after)
    return merged


_ABSENT = object()  # a key not in a context


def _merged(current: Any, before: Any, after: Any) -> Any:
    """What a branch that turned `before` into `after` makes of `current` (the value so far: `before` with the
    earlier branches' changes): within objects, only the members it changed, recursively; anything else, `after`."""
    if before is _ABSENT and type(after) is dict:  # an object the branch made where there was none
        before = {}
    if not (type(current) is dict and type(before) is dict and type(after) is dict):
        return after
    result = dict(current)
    for key, value in after.items():
        was = before.get(key, _ABSENT)
        if was is not _ABSENT and was == value:
            continue
        result[key] = _merged(result.get(key, was), was, value)
    for key in before.keys() - after.keys():
        result.pop(key, None)
    return result


def join_verdict(join: Join, ends: Sequence[BranchEnd], base: dict[str, Any]) -> JoinVerdict:
    """`done` once enough branches succeeded (the rest are cancelled); `error` once that can no longer happen
    (with `continue`, only after every branch ended; with `cancel_others`, the running ones are cancelled)."""
    running = [e for e in ends if e.status not in TERMINAL]  # not ended: may still succeed
    succeeded = [e for e in ends if e.status == InstanceStatus.SUCCEEDED]
    needed = _needed(join, len(ends))
    summary = {e.name: {"status": e.status, "result": e.result, "error": e.error} for e in ends}
    if len(succeeded) >= needed:
        payload = {"branches": summary, "context": merged_changes(base, ends)}
        return JoinVerdict("done", tuple(e.instance_id for e in running), payload)
    if len(succeeded) + len(running) >= needed:
        return JoinVerdict("pending")
    if running and join.on_failure == "continue":
        return JoinVerdict("pending")
    failed = sorted(e.name for e in ends if e.status in (InstanceStatus.FAILED, InstanceStatus.CANCELLED))
    message = f"the join ({join.mode}) cannot be met; failed: {', '.join(failed)}"
    failure: dict[str, Any] = {"kind": "join", "message": message, "branches": summary}
    cancel = tuple(e.instance_id for e in running) if join.on_failure == "cancel_others" else ()
    return JoinVerdict("error", cancel, failure)
