"""Handing back an action job a worker has no handler for, so that a worker that has one runs it.

Workers that share a database need not share their handlers: `statewright serve` runs the shipped handlers in
its own worker beside a `statewright worker --handlers app:register` that has the application's. Whichever
claims a job first must not decide its outcome. A worker that claims an action job it has no handler for puts
it back — ready again a moment later, its attempt not counted, nothing written to the history — and says so
once per action in its log. The job waits so for a worker that has the handler, as a Temporal task queue's
or a Camunda topic's tasks wait for their workers; once it has waited longer than the worker's grace window,
counted from its first hand-back, the next worker without the handler that claims it fails it with the error
kind `unknown_action`, as a worker without a grace window does at once. Like Temporal's schedule-to-start
timeout, the window counts any wait: a backlog behind busy workers that have the handler too.

The first hand-back is written into the job's payload (`MARK`: when, and for which attempt — a job retried,
or taken up again after its lease lapsed, is a new attempt and waits afresh), not into `last_error`, which the
handler reads as the failure of the attempt before and the retry rules count by; no column is needed for it.
The mark is written once per attempt: later hand-backs only move the job's due time.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from engine.runtime.action_outcome import ActionOutcome, missing
from engine.runtime.actions import ActionRequest
from engine.runtime.job_payloads import JobKind, action_payload
from storage.jobs import JobRecord, JobStore
from storage.transaction import Transaction

if TYPE_CHECKING:
    from engine.runtime.core import Runtime

__all__ = ["DEFAULT_HANDLER_GRACE_S", "HAND_BACK_S", "MARK", "MAX_HAND_BACK_S", "HandBacks", "waiting_since"]

log = logging.getLogger("statewright.worker")

# The grace window of the worker processes that share a database (`statewright worker`, `statewright serve`,
# `Engine.run_worker`): long enough to ride out a restart or a rolling deploy of the worker that has the handler,
# short enough that a handler deployed nowhere fails its instances within a minute, not leaves them waiting
# unseen (the hand-back's warning names the action at once).
DEFAULT_HANDLER_GRACE_S = 60.0
# How long a job handed back waits before it is due again: about a worker's poll interval, so a worker that has
# the handler and nothing to do finds it at its next look; ±50% at random, so the workers without the handler do
# not keep coming back to it in step with the ones that have it.
HAND_BACK_S = 1.0
# A job that has waited long is handed back less often (a quarter of its wait so far, up to this): a backlog of
# jobs no worker at hand can run costs fewer writes.
MAX_HAND_BACK_S = 5.0
MARK = "handed_back"  # the payload key of the first hand-back: {"since": seconds since the epoch, "attempt": n}


def waiting_since(job: JobRecord) -> float | None:
    """When the job's current attempt was first handed back; None if it never was."""
    mark: Any = job.payload.get(MARK)
    if not isinstance(mark, dict) or mark.get("attempt") != job.attempt:
        return None
    since = mark.get("since")
    return float(since) if isinstance(since, int | float) else None


class HandBacks:
    """One worker's hand-backs: its grace window (`grace_s`; 0: none, an action without a handler fails at once;
    `math.inf`: its jobs wait however long it takes), and until when the jobs it handed back are due (`ours`)."""

    def __init__(self, rt: Runtime, grace_s: float) -> None:
        if not grace_s >= 0:  # NaN too
            raise ValueError(f"the handler grace must be zero or more seconds, not {grace_s}")
        self.rt = rt
        self.grace_s = grace_s
        self._until = -math.inf

    def lacks(self, job: JobRecord) -> bool:
        """Whether `job` runs an action this process has no handler for."""
        return job.kind == JobKind.ACTION and action_payload(job)["action"] not in self.rt.handlers

    def hand_back(self, tx: Transaction, jobs: Sequence[JobRecord], *, owner: str, now: float) -> set[int]:
        """Hand back those of `jobs` — claimed by `owner` in this transaction, to be run (their instances there,
        their attempts not used up) — whose action has no handler here, unless they have waited the grace window
        out. The ids of those handed back; the others run as claimed (one without its handler fails: `failure`)."""
        if self.grace_s <= 0:
            return set()
        store = JobStore(tx)
        back = set()
        for job in jobs:
            if not self.lacks(job):
                continue
            marked = waiting_since(job)
            since = now if marked is None else marked
            if now - since >= self.grace_s:
                continue  # it waited its window out: it fails
            # due again a moment later, or as its window closes if that is sooner: its failure then comes on time
            due = min(now + self._delay(now - since), since + self.grace_s)
            payload = {**job.payload, MARK: {"since": now, "attempt": job.attempt}} if marked is None else None
            if store.hand_back(job.id, owner=owner, due_at=due, now=now, payload=payload):
                back.add(job.id)
                self._until = max(self._until, due)
                self._warn(action_payload(job)["action"])
        return back

    def ours(self, due: float, now: float) -> bool:
        """Whether a job due at `due` may be one this worker handed back (due later than now, and no later than
        any it handed back): the worker does not wake for it — the others are to have it first — but looks again
        at its poll interval, as for work other processes add."""
        return now < due <= self._until

    def failure(self, request: ActionRequest) -> ActionOutcome:
        """The outcome of an action without a handler that this worker runs: it failed at once, or (with a grace
        window) waited the window out."""
        return missing(request, within_s=self.grace_s if self.grace_s > 0 else None)

    def _delay(self, waited_s: float) -> float:
        base = min(MAX_HAND_BACK_S, max(HAND_BACK_S, waited_s / 4))
        return base * self.rt.rng.uniform(0.5, 1.5)

    def _warn(self, action: str) -> None:
        """One line per action and process, not one per job and round."""
        key = ("hand_back", action)
        if key in self.rt.warned:
            return
        self.rt.warned.add(key)
        log.warning("no handler is registered in this worker for the action '%s': its jobs are handed back for "
                    "another worker on the database that may have one, and fail with unknown_action if none takes "
                    "them within %g s", action, self.grace_s)
