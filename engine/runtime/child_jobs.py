"""A child ended: resume its parent — a subflow with the child's result, a parallel state once its join
is decided (merging the branches' context changes, cancelling branches no longer needed), a map state with its
next step (engine.runtime.map_progress)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.definition import MapState, ParallelState, SubflowState
from engine.runtime.core import Runtime
from engine.runtime.joins import BranchEnd, join_verdict
from engine.runtime.map_progress import map_item_events
from engine.runtime.snapshot import HELD, RUNNING, SUCCEEDED, Event
from engine.runtime.step import still_at, take_step
from storage.history import HistoryStore
from storage.instances import InstanceRecord, InstanceStore
from storage.transaction import Transaction

__all__ = ["resume_parent"]


def _branch_name(child: InstanceRecord) -> str:
    return child.branch.rsplit("/", 1)[-1].partition(".")[2]


def _subflow_event(tx: Transaction, child: InstanceRecord) -> Event:
    if child.status == SUCCEEDED:
        return Event("done", child.result, system=True)
    found = {"kind": "subflow", "message": f"the subflow {child.workflow_id} ended {child.status}",
             "status": child.status, "error": child.error, "child": child.id}
    cause = _cause(tx, child)
    if cause is not None:  # the parent's error says why, not only that: the child's own history need not be read
        found["cause"] = cause
        step = "" if cause["state"] == child.state else f": its step '{cause['state']}' failed"
        found["message"] += f" in '{child.state}'{step} ({cause['kind']}: {cause['message']})"
    return Event("error", found, system=True)


def _cause(tx: Transaction, child: InstanceRecord) -> dict[str, Any] | None:
    """The failure a child ended on: its own error, or — a child whose `error` led it to a failure final state,
    which keeps none — the error of the step that led it there; None when neither says a kind and a message."""
    error: Any = child.error
    state = child.state
    if not isinstance(error, dict):
        last = HistoryStore(tx).left_at(child.id, child.version)
        if last is None or last[1] != "error" or not isinstance(last[2], dict):
            return None
        state, error = last[0] or child.state, last[2]
    kind, message = error.get("kind"), error.get("message")
    if not isinstance(kind, str) or not isinstance(message, str):
        return None
    return {"state": state, "kind": kind, "message": message[:500]}


def _join_event(rt: Runtime, tx: Transaction, parent: InstanceRecord, state: ParallelState, now: float) -> Event | None:
    """The parallel state's `done` or `error` once its join is decided (cancelling the branches no longer
    needed); None while it waits for more branches."""
    instances = InstanceStore(tx)
    children = {_branch_name(c): c for c in instances.children(parent.id, parent.version)}
    ends = [BranchEnd(b.name, children[b.name].id, children[b.name].status, children[b.name].context,
                      children[b.name].result, children[b.name].error)
            for b in state.branches if b.name in children]
    verdict = join_verdict(state.join, ends, parent.context)
    if verdict.outcome == "pending":
        return None
    for branch_id in verdict.cancel:
        branch = instances.get_for_update(branch_id)
        if branch is not None and branch.status in (RUNNING, HELD):
            rt.writer.cancel(tx, branch, now=now, actor=None)
    return Event(verdict.outcome, verdict.payload, system=True)


def resume_parent(rt: Runtime, tx: Transaction, child_id: str) -> bool:
    """True if the parent moved on."""
    instances = InstanceStore(tx)
    child = instances.get(child_id)
    parent = None if child is None or child.parent_id is None else instances.get_for_update(child.parent_id)
    if child is None or parent is None or child.parent_seq is None:
        return False
    now = rt.clock.now()
    state = rt.writer.compiled_for(tx, parent).states.get(parent.state)
    events: Sequence[Event | None] = ()
    if isinstance(state, MapState):  # the map's own steps move the parent on while its items run
        events = map_item_events(rt, tx, parent, state, child, now=now)  # [] when it no longer matters
    elif not still_at(parent, child.parent_seq):
        return False  # the parent left that state already; this child's end no longer matters
    elif isinstance(state, SubflowState):
        events = [_subflow_event(tx, child)]
    elif isinstance(state, ParallelState):
        events = [_join_event(rt, tx, parent, state, now)]
    steps = [event for event in events if event is not None]
    for event in steps:
        parent = take_step(rt, tx, parent, event, now=now)
    return bool(steps)
