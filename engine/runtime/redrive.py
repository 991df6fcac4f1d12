"""Redrive: a failed instance resumed at the state it failed in, as one step (`take_step` with the `(redrive)`
event; `decide` re-enters the state).

The history row of the redrive names who redrove it, the state resumed and the failure left behind. A task
re-entered this way runs its action as a new job with a fresh series of attempts, and its handler sees the
idempotency key of the run that failed, so a side effect that run completed before failing can be recognised.
Tasks that completed before the failure are not run again: the instance resumes where it stopped. A map or a
parallel state that failed is entered again with the items or branches that succeeded carried over (`(carried)`:
their results kept, nothing they did run again) and the others — failed, cancelled, never started — run afresh.
A redrive may
first correct the context (`fixes`: a context path and its new value each), when bad data caused the failure; the
corrections are checked against the workflow's context schema and recorded as the redrive's context change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.definition import MapState, ParallelState
from engine.definition.paths import CONTEXT_PATH_PATTERN
from engine.errors import InvalidInput, RedriveRefused
from engine.json_limits import check_json
from engine.runtime.core import Runtime
from engine.runtime.decide import REDRIVABLE, redrive_refusal
from engine.runtime.job_payloads import JobKind, action_payload
from engine.runtime.queries import instance_view, load_instance
from engine.runtime.snapshot import REDRIVE, Event, Snapshot
from engine.runtime.step import take_step
from engine.runtime.views import InstanceView
from storage.history import HistoryStore
from storage.instances import InstanceRecord, InstanceStore
from storage.jobs import JobStore
from storage.transaction import Transaction

__all__ = ["failed_task_key", "redrivable", "redrive_instance"]

_CONTEXT_PATH = re.compile(CONTEXT_PATH_PATTERN)


def redrive_instance(rt: Runtime, instance_id: str, *, actor: str | None,
                     fixes: Mapping[str, Any] | None = None) -> InstanceView:
    """Resume the failed top-level instance `instance_id`, its context first corrected by `fixes` (context path ->
    value); `RedriveRefused` or `InvalidInput` (it is unchanged) otherwise."""
    if fixes:
        _check_fixes(fixes)

    def work(tx: Transaction) -> InstanceView:
        instance = load_instance(tx, instance_id, lock=True)  # first, as every command that moves an instance
        if instance.parent_id is not None:
            raise RedriveRefused(instance.id, instance.state, f"it runs inside the instance {instance.parent_id}, "
                                 "which has heard of its failure; redrive that one")
        key = failed_task_key(tx, instance) if instance.status in REDRIVABLE else None
        payload: dict[str, Any] = {"state": instance.state, "error": instance.error, "idempotency_key": key}
        visit = _failed_visit(rt, tx, instance)
        if visit is not None:
            payload["carry_from"] = visit
        if fixes:
            payload["set"] = dict(fixes)
        return instance_view(take_step(rt, tx, instance, Event(REDRIVE, payload, actor)))

    return rt.write(work)


def _failed_visit(rt: Runtime, tx: Transaction, instance: InstanceRecord) -> int | None:
    """The visit of the map or parallel state the instance failed in: its items or branches that succeeded are
    carried over by the redrive (their results kept, nothing they did run again), the others run afresh. None
    when it did not fail in one."""
    if instance.status not in REDRIVABLE:
        return None
    state = rt.writer.compiled_for(tx, instance).states.get(instance.state)
    if not isinstance(state, MapState | ParallelState):
        return None
    return InstanceStore(tx).latest_child_seq(instance.id)


def _check_fixes(fixes: Mapping[str, Any]) -> None:
    check_json(dict(fixes), "the context corrections")
    wrong = [path for path in fixes if not isinstance(path, str) or not _CONTEXT_PATH.fullmatch(path)]
    if wrong:
        raise InvalidInput(f"not a context path: {', '.join(map(repr, wrong))} (a key, or a dotted path of keys "
                           "made of letters, digits, '_' and '-', e.g. 'enrichment.company.size')")


def redrivable(rt: Runtime, view: InstanceView) -> bool:
    """Whether `redrive_instance` would resume `view` now (what the instance page asks before offering it).
    Only a failed top-level instance reads its workflow to tell."""
    if view.status not in REDRIVABLE or view.parent_id is not None:
        return False
    snapshot = Snapshot(view.state, view.context, view.status, view.result, view.error)

    def read(tx: Transaction) -> bool:
        compiled = rt.deployments.compiled(tx, view.workflow_id, view.workflow_version, view.branch)
        return redrive_refusal(compiled, snapshot) is None

    return rt.read(read)


def failed_task_key(tx: Transaction, instance: InstanceRecord) -> str | None:
    """The idempotency key the handler of the failed task saw: that of the instance's latest action job for
    its state, if the instance never left the state after that job was started (else the failure came later,
    before any action ran). A job that was itself a redrive passes on the key it was given."""
    jobs = [j for j in JobStore(tx).for_instance(instance.id)
            if j.kind == JobKind.ACTION and j.payload.get("state") == instance.state]
    if not jobs:
        return None
    payload = action_payload(jobs[-1])
    since = HistoryStore(tx).for_instance(instance.id, after_seq=int(payload["seq"]))
    if any(row.from_state != instance.state or row.to_state != instance.state for row in since):
        return None
    key = payload.get("idempotency_key", jobs[-1].idempotency_key)
    return str(key)
