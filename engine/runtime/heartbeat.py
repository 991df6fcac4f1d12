"""A worker's heartbeat: while it holds jobs, a thread of its own renews their leases every `heartbeat_s`, so a
lease can be short — `LEASE_HEARTBEATS` heartbeats — whatever the task's `timeout_s`, and the jobs of a worker
that died move to another within seconds (Temporal's activity heartbeats, Step Functions' `HeartbeatSeconds`).

A worker loop also advertises itself with it (`advertise`): the same beat renews its row among the database's live
workers (`engine.runtime.live_workers`), in the one transaction that renews its leases — one write a heartbeat,
none in the claim path.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from engine.errors import StatewrightError, StorageError
from engine.runtime.live_workers import Advert
from storage.jobs import JobStore
from storage.transaction import Transaction

if TYPE_CHECKING:
    from engine.runtime.core import Runtime

__all__ = ["DEFAULT_HEARTBEAT_S", "LEASE_HEARTBEATS", "Heartbeat", "lease_for"]

log = logging.getLogger("statewright.worker")

DEFAULT_HEARTBEAT_S = 2.0
LEASE_HEARTBEATS = 3  # a lease outlasts two missed heartbeats (a slow commit, a busy moment) and lapses at the third
PRUNE_EVERY_S = 60.0  # how often an advertised worker deletes the rows of workers gone (its start does it too)


def lease_for(heartbeat_s: float) -> float:
    """The lease a worker beating every `heartbeat_s` takes on a job."""
    return LEASE_HEARTBEATS * heartbeat_s


class Heartbeat:
    """Renews `owner`'s leases on the jobs it holds (`holding`, `hold`), started with the first of them, until
    `close`; and, between `advertise` and `withdraw`, its row among the database's live workers."""

    def __init__(self, rt: Runtime, owner: str, every_s: float) -> None:
        if every_s <= 0:
            raise ValueError(f"the heartbeat must be a positive number of seconds, not {every_s}")
        self.rt = rt
        self.owner = owner
        self.every_s = every_s
        self._held: dict[int, int] = {}  # job id -> how many `holding` blocks hold it
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._advert: Advert | None = None  # this worker's row among the live workers, while it is advertised
        self._writing = threading.Lock()  # one beat at a time, and none once `withdraw` has deleted the row
        self._pruned = float("-inf")

    @contextmanager
    def holding(self, job_ids: Iterable[int]) -> Iterator[None]:
        """Keep the leases of these jobs renewed while the block runs."""
        ids = list(job_ids)
        self.hold(ids)
        try:
            yield
        finally:
            self.release(ids)

    def hold(self, job_ids: Iterable[int]) -> None:
        """Keep the leases of these jobs renewed until they are `release`d (as often as they were held)."""
        with self._lock:
            for job_id in job_ids:
                self._held[job_id] = self._held.get(job_id, 0) + 1
            self._start()

    def release(self, job_ids: Iterable[int]) -> None:
        with self._lock:
            for job_id in job_ids:
                self._held[job_id] -= 1
                if not self._held[job_id]:
                    del self._held[job_id]

    def advertise(self, actions: Iterable[str]) -> None:
        """Write this worker's row among the database's live workers, naming the `actions` it has handlers for, and
        renew it with every beat until `withdraw`. A database that does not answer now gets it with a later beat."""
        now = self.rt.clock.now()
        advert = Advert(self.owner, actions, lease_s=lease_for(self.every_s), started_at=now)
        with self._writing:
            self._advert = advert
            try:
                self.rt.write(lambda tx: advert.announce(tx, now))
                self._pruned = now
            except StorageError:
                pass  # the database does not answer: the worker's loop says so, and the next beat writes the row
            except StatewrightError as exc:
                log.warning("writing this worker's row among the live workers failed (%s); the heartbeat tries "
                            "again", exc)
        with self._lock:
            self._start()

    def withdraw(self) -> None:
        """Delete this worker's row (it stops); a row this fails to delete lapses with its lease."""
        with self._writing:
            advert, self._advert = self._advert, None
            if advert is None:
                return
            try:
                self.rt.write(advert.withdraw)
            except StatewrightError as exc:
                log.warning("deleting this worker's row among the live workers failed (%s); it counts as gone "
                            "%g s after its last heartbeat", exc, advert.lease_s)

    def _start(self) -> None:
        if self._thread is None and not self._stop.is_set():
            self._thread = threading.Thread(target=self._run, name=f"statewright-heartbeat-{self.owner}",
                                            daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.beat()
            except Exception:  # this thread must outlive any failure: without it, no lease the worker holds is renewed
                log.exception("the heartbeat failed; it beats again in %s s", self.every_s)

    def beat(self) -> int:
        """Renew the held leases now, and the advertised row, in one transaction; how many leases were renewed (a
        job taken over by another worker is not)."""
        with self._writing:
            with self._lock:
                ids = sorted(self._held)
            advert = self._advert
            if not ids and advert is None:
                return 0
            now = self.rt.clock.now()
            until = now + lease_for(self.every_s)
            prune = now - self._pruned >= PRUNE_EVERY_S

            def renew(tx: Transaction) -> int:
                if advert is not None:
                    advert.refresh(tx, now, prune=prune)
                return JobStore(tx).renew_leases(ids, owner=self.owner, until=until)

            try:
                renewed = self.rt.write(renew)
            except StatewrightError as exc:
                if ids and isinstance(exc, StorageError):  # one line a beat, not a traceback (a full disk, a
                    # server restarting: its words say which)
                    log.warning("renewing the leases of %s jobs failed (%s); trying again at the next heartbeat",
                                len(ids), exc)
                elif ids:
                    log.exception("renewing the leases of %s jobs failed; trying again at the next heartbeat",
                                  len(ids))
                elif not isinstance(exc, StorageError):  # a database that does not answer: the loop says so, once
                    log.exception("renewing this worker's row among the live workers failed; trying again at the "
                                  "next heartbeat")
                return 0
            if advert is not None and prune:
                self._pruned = now
            return renewed

    def close(self) -> None:
        """Stop beating, and delete the advertised row if it is still there."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.withdraw()
