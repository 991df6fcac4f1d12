"""A child ended: resume its parent — a subflow with the child's result, a parallel state once its join
is decided (merging the branches' context changes, cancelling branches no longer needed), a map state with its
next step (engine.runtime.map_progress)."""

from __future__ import annotations

from collections.abc import Sequence

from engine.definition import MapState, ParallelState, SubflowState
from engine.runtime.core import Runtime
from engine.runtime.joins import BranchEnd, join_verdict
from engine.runtime.map_progress import map_item_events
from engine.runtime.snapshot import HELD, RUNNING, SUCCEEDED, Event
from engine.runtime.step import still_at, take_step
from storage.instances import InstanceRecord, InstanceStore
from storage.transaction import Transaction

__all__ = ["resume_parent"]


def _branch_name(child: InstanceRecord) -> str:
    return child.branch.rsplit("/", 1)[-1].partition(".")[2]


def _subflow_event(child: InstanceRecord) -> Event:
    if child.status == SUCCEEDED:
        return Event("done", child.result, system=True)
    message = f"the subflow {child.workflow_id} ended {child.status}"
    return Event("error", {"kind": "subflow", "message": message, "status": child.status, "error": child.error,
                           "child": child.id}, system=True)


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
        events = [_subflow_event(child)]
    elif isinstance(state, ParallelState):
        events = [_join_event(rt, tx, parent, state, now)]
    steps = [event for event in events if event is not None]
    for event in steps:
        parent = take_step(rt, tx, parent, event, now=now)
    return bool(steps)
