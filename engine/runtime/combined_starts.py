"""Group commit for starts made at once: on PostgreSQL, the starts that threads of one process make while another
start is being written wait, and the next of them writes them together, each with its chain of inline tasks, in one
transaction — one round trip to the server and one durable commit for all of them, where each would otherwise
take its own, and one thread running Python while the others sleep, where each would otherwise fight for the
interpreter's lock between its round trips. A server's threads starting many instances at once is the case.

A start made while no other is waiting or being written runs on its own, as before (`alone`). One that finds
another being written waits: a batch is what waited meanwhile, at most `limit` starts, run in the order they came
until the transaction has spent `budget_s` (the rest wait for the next batch); of two under one idempotency key,
the second finds the first's response kept in the transaction, as it would after the first committed. A start
left waiting `patience_s` without being taken runs on its own (what is being written is slow: inline handlers
that take their time). Each start runs in its caller's context variables (its trace, among others).

What one start raises leaves the batch: the transaction is rolled back, that start runs on its own in its
caller's thread (where it raises the same error, or retries as a start on its own would), and the others run
again together, inline tasks and all, as after a conflict at commit. A batch that fails again, or fails at its
commit, leaves every start in it to run on its own. So a start in a batch commits exactly once, gets the same
response and raises the same errors as on its own; only its inline handlers may run once more than they would
have (they may anyway, after a conflict: tests/engine/runtime/test_runtime_eager_inline_retries.py).
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from engine.runtime.together import write_together
from storage.transaction import Store, Transaction

__all__ = ["CombinedStarts"]

T = TypeVar("T")

_WAITING, _LEAD, _DONE, _ALONE = "waiting", "lead", "done", "alone"


class _Start(Generic[T]):
    """One caller's start: its work in a given transaction, the context it runs in, and what became of it
    (`role`), which its caller waits for (`settled`)."""

    __slots__ = ("context", "result", "role", "settled", "work")

    def __init__(self, work: Callable[[Transaction], T]) -> None:
        self.work = work
        self.context = contextvars.copy_context()
        self.settled = threading.Event()
        self.role = _WAITING
        self.result: Any = None

    def run_in(self, tx: Transaction) -> T:
        """The start's work in `tx`, in its caller's context."""
        return self.context.run(self.work, tx)

    def settle(self, role: str) -> None:
        self.role = role
        self.settled.set()


class CombinedStarts:
    """Where starts made at once meet (see the module's doc); one per engine on PostgreSQL."""

    def __init__(self, store: Store, *, limit: int = 32, budget_s: float = 0.05, patience_s: float = 0.1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.limit = limit
        self.budget_s = budget_s
        self.patience_s = patience_s
        self.clock = clock
        self._lock = threading.Lock()
        self._queue: deque[_Start[Any]] = deque()
        self._leading = False  # a caller is taking a batch, or writing one; the queue then waits for it
        self.batches = 0  # batches of two or more committed (for tests and benchmarks)

    def run(self, work: Callable[[Transaction], T], alone: Callable[[], T]) -> T:
        """What `alone()` answers, for a start whose work in a transaction is `work`."""
        start: _Start[T] = _Start(work)
        with self._lock:
            self._queue.append(start)
            lead = not self._leading
            self._leading = True
        if not lead:
            if not start.settled.wait(self.patience_s) and self._give_up(start):
                return alone()  # what is being written is slow: not worth waiting for
            start.settled.wait()
            lead = start.role == _LEAD
        if lead:
            self._lead(alone)
        if start.role == _DONE:
            return start.result  # type: ignore[no-any-return]
        return alone()

    def _give_up(self, start: _Start[Any]) -> bool:
        """Leave the queue, unless a batch took the start meanwhile or it was given the lead."""
        with self._lock:
            if start.role != _WAITING or start not in self._queue:
                return False
            self._queue.remove(start)
            return True

    def _lead(self, alone: Callable[[], Any]) -> None:
        """Take a batch from the front of the queue (the leader's own start first) and write it — a batch of one,
        the leader's own start alone, while the starts made meanwhile queue — then hand the lead to the next start
        waiting and let the batch's callers go."""
        with self._lock:
            batch = self._take()
        unreached: list[_Start[Any]] = []
        try:
            if len(batch) == 1:
                batch[0].result = alone()
                batch[0].role = _DONE
            else:
                unreached = self._write(batch)
        finally:
            with self._lock:
                self._queue.extendleft(reversed(unreached))
                if self._queue:
                    self._queue[0].settle(_LEAD)
                else:
                    self._leading = False
            for start in batch:
                if start not in unreached:
                    if start.role == _WAITING:  # not written together (a batch of one, or it failed): on its own
                        start.role = _ALONE
                    start.settled.set()

    def _take(self) -> list[_Start[Any]]:
        """Up to `limit` starts from the front of the queue."""
        return [self._queue.popleft() for _ in range(min(self.limit, len(self._queue)))]

    def _write(self, batch: list[_Start[Any]]) -> list[_Start[Any]]:
        """Write the batch in one transaction (`write_together`); the starts it did not reach for lack of time.
        Each start written is `_DONE` with its result; one that raised, or every one when the batch fails twice or
        at its commit, stays `_WAITING` (it then runs on its own)."""
        together = write_together(self.store, [start.run_in for start in batch],
                                  budget_s=self.budget_s, clock=self.clock)
        for index, result in together.written.items():
            batch[index].result = result
            batch[index].role = _DONE
        if together.written:
            self.batches += 1
        return [batch[index] for index in together.unreached]
