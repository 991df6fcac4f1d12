"""The worker loops running on one engine, and stopping them when it closes.

A worker loop — `Worker.run_forever` (`Engine.run_worker`, `AsyncEngine.run_worker`, `statewright worker`, the
designer's in-process workers) or `Worker.run_until_idle` (`Engine.run_until_idle`) — holds a place here while it
runs (`running`). `Engine.close` stops them before it lets go of the database (`stop`): it sets the engine's own
stop, which each loop reads between its rounds beside the stop it was given, and wakes those asleep; each finishes
its round — the actions it runs end and their outcomes commit, the notice deliveries under way get their moment —
and returns. Without it a loop found the database closed under it and, taking that for an outage, tried again every
second for ever, its thread keeping the process alive.

`stop` waits a bounded time (`CLOSE_WAIT_S` unless told): a handler that hangs must not hang `close`. A loop still
running then is named in a warning with the actions it still runs, and its heartbeat stops: the leases of those
actions lapse and a worker of the database runs them again, under the same idempotency key — their outcomes here,
once they end, can no longer be committed (the loop says so as it fails to, and returns). A loop on the thread that
closes (a handler closing its own engine) is not waited for: it would wait for itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from engine.errors import StorageError
from engine.runtime.job_payloads import actions_named
from storage.forks import renew_in_children
from storage.transaction import CLOSED

if TYPE_CHECKING:
    from engine.runtime.worker import Worker

__all__ = ["CLOSE_WAIT_S", "WorkerLoops"]

log = logging.getLogger("statewright.worker")

# How long `Engine.close` waits for the worker loops on it to finish what they run: a round's actions (a model call
# takes a few seconds) and the notice deliveries a stopping worker waits for (`notice_deliveries.STOP_WAIT_S`, 2 s).
CLOSE_WAIT_S = 5.0


class _Loop:
    """One running loop: its worker, its thread, how to wake it from its sleep, and whether it has returned."""

    __slots__ = ("ended", "thread", "wake", "worker")

    def __init__(self, worker: Worker, wake: Callable[[], None] | None) -> None:
        self.worker = worker
        self.thread = threading.current_thread()
        self.wake = wake
        self.ended = threading.Event()


class WorkerLoops:
    """The worker loops running on one engine (one `Runtime`), and the engine's own stop (`stopping`)."""

    def __init__(self) -> None:
        self.stopping = threading.Event()  # set once, by `stop`: the engine is closing, or closed
        self._lock = threading.Lock()
        self._loops: set[_Loop] = set()
        renew_in_children(self, WorkerLoops._after_fork)

    def _after_fork(self) -> None:
        """In a forked child: the loops run in the parent (their threads are not here); a closed engine stays so."""
        stopping, self.stopping = self.stopping, threading.Event()
        if stopping.is_set():
            self.stopping.set()
        self._lock = threading.Lock()
        self._loops = set()

    @contextmanager
    def running(self, worker: Worker, *, wake: Callable[[], None] | None = None) -> Iterator[threading.Event]:
        """The block of a loop of `worker`, on this thread: the engine's stop, for the loop to read between its
        rounds; `wake` ends the loop's sleep. An engine closed already refuses with `StorageError`."""
        loop = _Loop(worker, wake)
        with self._lock:
            if self.stopping.is_set():
                raise StorageError(CLOSED)
            self._loops.add(loop)
        try:
            yield self.stopping
        finally:
            with self._lock:
                self._loops.discard(loop)
            loop.ended.set()

    def stop(self, wait_s: float = CLOSE_WAIT_S) -> int:
        """Stop every loop, and wait up to `wait_s` for those on other threads to return; those still running then
        are named in a warning and their heartbeats stopped (see the module's doc). How many were still running."""
        with self._lock:
            self.stopping.set()
            loops = [loop for loop in self._loops if loop.thread is not threading.current_thread()]
        for loop in loops:
            if loop.wake is not None:
                loop.wake()
        deadline = time.monotonic() + wait_s
        for loop in loops:
            loop.ended.wait(max(0.0, deadline - time.monotonic()))
        left = [loop for loop in loops if not loop.ended.is_set()]
        for loop in left:
            jobs = loop.worker.in_hand
            log.warning("closing the engine: the worker loop on thread %s has not stopped within %g s; %s",
                        loop.thread.name, wait_s,
                        (f"it still runs {actions_named(jobs)}, whose outcome can no longer be committed here: "
                         "each job's lease lapses and a worker of the database runs it again, under the same "
                         "idempotency key") if jobs else
                        "it runs no action (a database call or a notice delivery is under way)")
            loop.worker.heartbeat.close()
        return len(left)

