"""The threads a worker runs action handlers on, and giving up on one whose handler overran its timeout.

Python cannot stop a thread: a plain handler that overruns its task's `timeout_s` keeps running on its thread
until it returns, however long that is. `concurrent.futures.ThreadPoolExecutor` would keep counting that thread
as one of its own — a few hung handlers then fill the pool, and every later action waits behind them until it
too "times out" without having started — and would join it when the process exits, so a worker stopped with
SIGTERM would wait for a handler nobody waits for any more. Here a thread given up on (`give_up`) stops
counting: the next call gets a new thread, and the old one ends when its handler returns. The threads are
daemons, so a given-up one never holds up the process's exit; the calls not given up are waited for at exit
(an `atexit` hook), as the executor's threads were: an action running when `statewright run` is interrupted
still finishes first. A process forked from this one has none of these threads: there the pool starts empty, its
calls of the parent neither run nor waited for at exit (`storage.forks`).
"""

from __future__ import annotations

import atexit
import queue
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future, wait
from typing import Any

from storage.forks import renew_in_children

__all__ = ["HandlerThreads"]

_Call = tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]


class HandlerThreads:
    """Up to `size` threads serving calls (`submit`), started as needed, plus those given up on."""

    def __init__(self, size: int, name: str) -> None:
        self._size = max(size, 1)
        self._name = name
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = threading.Semaphore(0)  # released by a serving thread each time it waits for a call
        self._serving = 0  # threads taking calls; a thread given up on no longer counts
        self._started = 0  # threads ever started, for their names
        self._running: set[Future[Any]] = set()  # calls being run and not given up on
        self._given_up: set[Future[Any]] = set()  # calls given up on while they run
        self._closed = False
        _POOLS.add(self)
        renew_in_children(self, HandlerThreads._empty_after_fork)

    def _empty_after_fork(self) -> None:
        """In a forked child: no thread serves the pool, no call runs (they run in the parent), no lock is held."""
        self._calls = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = threading.Semaphore(0)
        self._serving = 0
        self._running = set()
        self._given_up = set()

    @property
    def given_up(self) -> int:
        """How many calls given up on are still running (each holds a thread of its own)."""
        with self._lock:
            return len(self._given_up)

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the handler threads are closed")
            self._calls.put((future, function, args))
            if self._idle.acquire(blocking=False):  # a serving thread is waiting: it takes the call
                return future
            if self._serving < self._size:
                self._serving += 1
                self._started += 1
                threading.Thread(target=self._serve, name=f"{self._name}_{self._started}", daemon=True).start()
        return future

    def give_up(self, future: Future[Any]) -> bool:
        """Stop waiting for `future`: cancelled if it has not started; if it runs, its thread is left to end when
        its handler returns and a new thread takes its place. True when it was running (its thread given up)."""
        if future.cancel():
            return False
        with self._lock:
            if future.done() or future not in self._running:
                return False
            self._running.discard(future)
            self._given_up.add(future)
            self._serving -= 1
        return True

    def _serve(self) -> None:
        while True:
            call = self._calls.get()
            if call is None:
                return
            future, function, args = call
            if not future.set_running_or_notify_cancel():
                self._idle.release()
                continue
            with self._lock:
                self._running.add(future)
            try:
                result = function(*args)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the future
                future.set_exception(exc)
            else:
                future.set_result(result)
            with self._lock:
                self._running.discard(future)
                if future in self._given_up:  # replaced meanwhile: this thread ends here
                    self._given_up.discard(future)
                    return
            self._idle.release()

    def close(self) -> None:
        """Take no more calls; cancel those not started; the serving threads end once idle."""
        with self._lock:
            self._closed = True
            serving = self._serving
        while True:
            try:
                call = self._calls.get_nowait()
            except queue.Empty:
                break
            if call is not None:
                call[0].cancel()
        for _ in range(serving):
            self._calls.put(None)

    def wait_for_running(self) -> None:
        """Wait for the calls being run that were not given up on."""
        with self._lock:
            running = list(self._running)
        wait(running)


_POOLS: weakref.WeakSet[HandlerThreads] = weakref.WeakSet()


@atexit.register
def _finish_running_calls() -> None:
    """At exit, let the actions still running finish (their threads are daemons); not those given up on."""
    for pool in list(_POOLS):
        pool.wait_for_running()
