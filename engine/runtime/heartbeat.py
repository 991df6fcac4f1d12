"""A worker's heartbeat: while it holds jobs, a thread of its own renews their leases every `heartbeat_s`, so a
lease can be short — `LEASE_HEARTBEATS` heartbeats — whatever the task's `timeout_s`, and the jobs of a worker
that died move to another within seconds (Temporal's activity heartbeats, Step Functions' `HeartbeatSeconds`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from engine.errors import StatewrightError
from storage.jobs import JobStore

if TYPE_CHECKING:
    from engine.runtime.core import Runtime

__all__ = ["DEFAULT_HEARTBEAT_S", "LEASE_HEARTBEATS", "Heartbeat", "lease_for"]

log = logging.getLogger("statewright.worker")

DEFAULT_HEARTBEAT_S = 2.0
LEASE_HEARTBEATS = 3  # a lease outlasts two missed heartbeats (a slow commit, a busy moment) and lapses at the third


def lease_for(heartbeat_s: float) -> float:
    """The lease a worker beating every `heartbeat_s` takes on a job."""
    return LEASE_HEARTBEATS * heartbeat_s


class Heartbeat:
    """Renews `owner`'s leases on the jobs it holds (`holding`, `hold`), started with the first of them, until
    `close`."""

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
        """Renew the held leases now; how many were renewed (a job taken over by another worker is not)."""
        with self._lock:
            ids = sorted(self._held)
        if not ids:
            return 0
        until = self.rt.clock.now() + lease_for(self.every_s)
        try:
            return self.rt.write(lambda tx: JobStore(tx).renew_leases(ids, owner=self.owner, until=until))
        except StatewrightError:
            log.exception("renewing the leases of %s jobs failed; trying again at the next heartbeat", len(ids))
            return 0

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
