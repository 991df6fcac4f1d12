"""The workers of a database, as each advertises itself there — as Temporal shows a task queue's pollers.

A worker loop (`Worker.run_forever`: `statewright worker`, `statewright serve`, `Engine.run_worker`) writes its row
when it starts — its lease owner name, host, pid and the actions it has handlers for — renews its `last_seen` with
its heartbeat (`engine.runtime.heartbeat`: one UPDATE a heartbeat, with the leases it renews), and deletes it when
it stops. A row not seen for its lease (`LEASE_HEARTBEATS` heartbeats) is a worker gone without a word: it no
longer counts, and is pruned now and then.

What it is for: a process deploying a flow checks its actions against its own handlers *and the live workers'*
(`Deployments.catalog`), so the designer publishes a flow whose actions only a `statewright worker --handlers
app:register` beside it performs; and an operator sees who runs what (`statewright workers`, `GET /api/workers`).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from engine.runtime.clock import to_rfc3339
from storage.transaction import Transaction
from storage.workers import WorkerRecord, WorkerStore

if TYPE_CHECKING:
    from engine.runtime.core import Runtime

__all__ = ["Advert", "LiveWorker", "live_workers", "live_workers_in"]


@dataclass(frozen=True, slots=True)
class LiveWorker:
    """A worker seen within its lease: who, where, since when, and the actions it has handlers for."""

    owner: str  # the lease owner name its jobs are claimed under
    host: str
    pid: int
    started_at: float  # seconds since the epoch
    last_seen: float
    actions: tuple[str, ...]  # sorted

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["started_at"] = to_rfc3339(self.started_at)
        found["last_seen"] = to_rfc3339(self.last_seen)
        found["actions"] = list(self.actions)
        return found


def live_workers_in(tx: Transaction, now: float) -> list[LiveWorker]:
    """The workers seen within their lease at `now`, the longest-running first."""
    return [LiveWorker(w.owner, w.host, w.pid, w.started_at, w.last_seen, w.actions)
            for w in WorkerStore(tx).live(now)]


def live_workers(rt: Runtime) -> list[LiveWorker]:
    """The database's live workers now (by the runtime's clock)."""
    return rt.read(lambda tx: live_workers_in(tx, rt.clock.now()))


class Advert:
    """One worker's row: written by `announce`, kept fresh by `refresh`, deleted by `withdraw`."""

    def __init__(self, owner: str, actions: Iterable[str], *, lease_s: float, started_at: float) -> None:
        self.owner = owner
        self.actions = tuple(sorted(actions))
        self.lease_s = lease_s
        self.started_at = started_at
        self.host = socket.gethostname()
        self.pid = os.getpid()

    def announce(self, tx: Transaction, now: float) -> None:
        """Write the row as seen `now`, and delete those of workers gone (a start is now and then enough)."""
        store = WorkerStore(tx)
        store.prune(now)
        store.announce(WorkerRecord(self.owner, self.host, self.pid, self.started_at, now, self.lease_s,
                                    self.actions))

    def refresh(self, tx: Transaction, now: float, *, prune: bool = False) -> None:
        """Renew `last_seen` (one UPDATE); write the row again when it is not there — its first write failed (the
        database did not answer), or the worker stalled past its lease and another pruned it. With `prune`, also
        delete the rows of workers gone."""
        store = WorkerStore(tx)
        if prune:
            store.prune(now)
        if not store.seen(self.owner, now):
            self.announce(tx, now)

    def withdraw(self, tx: Transaction) -> None:
        WorkerStore(tx).remove(self.owner)
