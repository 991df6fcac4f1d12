"""Ctrl-C during `statewright run`.

Between actions, Ctrl-C stops the run at once (Python's KeyboardInterrupt; the command then names the instance
it leaves). While actions run, the first Ctrl-C says at once which ones the run waits for: it stops when they
end, their outcomes recorded. A second Ctrl-C abandons them and exits at once (130): their jobs stay leased to
this process, and a worker on the same database takes each up when its lease lapses, recording the abandoned
attempt as lost and running the next one — the engine's path for a worker that died (see
`engine.runtime.lost_attempts`), so nothing committed is lost and nothing is applied twice.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, NoReturn

from engine.cli.output import say, stderr
from engine.runtime.job_payloads import action_payload
from engine.runtime.job_payloads import actions_named as named
from engine.runtime.lost_attempts import attempt_limit
from engine.runtime.worker import Worker
from storage.jobs import JobRecord, JobStore
from storage.statuses import JobStatus

__all__ = ["ABANDONED_EXIT", "RunInterrupts", "abandon", "named"]

ABANDONED_EXIT = 130  # as for any Ctrl-C: 128 + SIGINT


def _left(worker: Worker, jobs: tuple[JobRecord, ...]) -> set[int]:
    """The ids of `jobs` no longer waiting for their outcome: cancelled (their instance was, or left the task)
    while their actions ran. A read of the database from a process about to exit: any failure reads as none."""
    try:
        found = worker.rt.read(lambda tx: [JobStore(tx).get(job.id) for job in jobs])
    except Exception:  # noqa: BLE001 - the words only; the process exits whatever the database says
        return set()
    return {job.id for job in found if job is not None and job.status == JobStatus.CANCELLED}


def _next(job: JobRecord, cancelled: bool) -> str:
    """What a worker does with the abandoned attempt of `job`."""
    action = action_payload(job)["action"]
    if cancelled:
        return "its task was cancelled while it ran: nothing runs it again"
    if job.attempt >= attempt_limit(job):
        return (f"it was the last attempt '{action}' may make, so the worker records it as lost and takes the task's "
                "error path")
    return f"the worker records it as lost and runs '{action}' again as attempt {job.attempt + 1}"


def abandon(worker: Worker, db: str) -> NoReturn:
    """Exit now (130), leaving the handlers `worker` runs on their threads (Python cannot end a thread; waiting
    for them is what the user refused). The process ends as a killed worker would: what it committed stays, and
    the leases it holds lapse, so another worker runs the actions again."""
    in_hand = worker.in_hand
    if in_hand:
        cancelled = _left(worker, in_hand)
        lines = [f"abandoned {named(in_hand)}."]
        if len(cancelled) < len(in_hand):
            lines[0] += (f" `statewright worker --db {db}` takes it up once its lease lapses (within "
                         f"{worker.lease_s:g} s):")
        lines += [f"  '{action_payload(job)['action']}': {_next(job, job.id in cancelled)}" for job in in_hand]
    else:
        lines = ["abandoned: nothing was running"]
    say("\n".join(lines), level=logging.WARNING, logger="statewright.worker")  # one record with JSON logs on
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(ABANDONED_EXIT)


class RunInterrupts:
    """While entered, SIGINT is handled as the module's doc says, for the actions `worker` runs. `stop` is set by
    the first Ctrl-C that finds actions running: the run stops after them (`Driving.stop`)."""

    def __init__(self, worker: Worker, db: str) -> None:
        self.worker = worker
        self.db = db
        self.stop = threading.Event()
        self._previous: Callable[[int, FrameType | None], Any] | int | None = None

    def __enter__(self) -> RunInterrupts:
        self._previous = signal.signal(signal.SIGINT, self._interrupted)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        signal.signal(signal.SIGINT, self._previous if self._previous is not None else signal.default_int_handler)

    def _interrupted(self, _signum: int, _frame: FrameType | None) -> None:
        in_hand = self.worker.in_hand
        if not in_hand:
            raise KeyboardInterrupt
        if self.stop.is_set():
            abandon(self.worker, self.db)
        self.stop.set()
        stderr.print(f"interrupted: waiting for {named(in_hand)} to finish, then the run stops with its outcome "
                     "recorded. Press Ctrl-C again to abandon it (a worker on this database runs it again).",
                     highlight=False)
