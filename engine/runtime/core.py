"""The runtime's shared parts — store, clock, deployments, writer, handlers — and running a unit of work in
one write transaction, retried when another writer got there first."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

from engine.errors import ConcurrencyConflict, StorageError, WriterBusy
from engine.notifications.settings import NotificationSettings
from engine.runtime.actions import HandlerRegistry
from engine.runtime.clock import Clock
from engine.runtime.deployments import Deployments
from engine.runtime.heartbeat import DEFAULT_HEARTBEAT_S, lease_for
from engine.runtime.worker_loops import WorkerLoops
from engine.runtime.writer import DecisionWriter
from storage.errors import ConnectionLost, GuardFailed, StoreError, TransientConflict
from storage.errors import WriterBusy as StoreWriterBusy
from storage.transaction import Store, Transaction

__all__ = ["Runtime"]

T = TypeVar("T")

# How many times a transaction runs again on a new connection after the server dropped the one it was given: the
# store then forgets every connection it kept, so one retry suffices after a restart; two leave room for a
# connection that broke while it was being made.
_LOST_RETRIES = 2


@dataclass
class Runtime:
    store: Store
    clock: Clock
    deployments: Deployments
    writer: DecisionWriter
    handlers: HandlerRegistry
    heartbeat_s: float = DEFAULT_HEARTBEAT_S  # how often a worker renews the leases of the jobs it runs
    rng: random.Random = field(default_factory=random.Random)
    notifications: NotificationSettings | None = None  # where approval notices go (engine.runtime.notice_jobs)
    warned: set[Hashable] = field(default_factory=set)  # what this runtime has logged a warning about, once each
    loops: WorkerLoops = field(default_factory=WorkerLoops)  # the worker loops running on it, stopped as it closes

    @property
    def lease_s(self) -> float:
        """How long a claimed job stays leased without a heartbeat."""
        return lease_for(self.heartbeat_s)

    def write(self, work: Callable[[Transaction], T], *, retry_conflicts: bool = True, attempts: int = 8) -> T:
        """Run `work` in one write transaction. A `ConcurrencyConflict` (a version or lease that changed, found
        at once or when the deferred writes were sent; or a deadlock the database broke) rolls it back and runs
        it again on fresh data, unless `retry_conflicts` is False. A connection the server dropped before the
        COMMIT was sent (`ConnectionLost`: nothing committed) runs it again on a new one, whatever
        `retry_conflicts` says."""
        lost = 0
        for attempt in range(1, attempts + 1):
            try:
                with self.store.write() as tx:
                    return work(tx)
            except ConnectionLost as exc:
                lost += 1
                if lost > _LOST_RETRIES or attempt == attempts:
                    raise StorageError(str(exc)) from exc
                continue
            except ConcurrencyConflict:
                if not retry_conflicts or attempt == attempts:
                    raise
            except GuardFailed as exc:
                if not retry_conflicts or attempt == attempts:
                    raise ConcurrencyConflict(f"the data changed meanwhile: {exc}") from exc
            except TransientConflict as exc:
                if attempt == attempts:
                    raise ConcurrencyConflict(f"the database kept aborting the transaction: {exc}") from exc
            except StoreWriterBusy as exc:
                raise WriterBusy(str(exc)) from exc
            except StoreError as exc:
                raise StorageError(str(exc)) from exc
            if attempt >= 2:  # a short real pause (whatever clock the tests inject) spreads contenders out
                time.sleep(min(0.05, 0.002 * attempt) * self.rng.random())
        raise AssertionError("unreachable")  # pragma: no cover

    def read(self, work: Callable[[Transaction], T]) -> T:
        for lost in range(_LOST_RETRIES + 1):
            try:
                with self.store.read() as tx:
                    return work(tx)
            except ConnectionLost as exc:  # dropped by the server while kept idle: read again on a new one
                if lost == _LOST_RETRIES:
                    raise StorageError(str(exc)) from exc
            except StoreError as exc:
                raise StorageError(str(exc)) from exc
        raise AssertionError("unreachable")  # pragma: no cover
