"""The thread a worker runs its batches of quick actions on (`ActionRunner.runs_here`), and letting go of a call
that overruns the quick path.

Quick actions — handlers that have answered in under `ActionRunner.INLINE_BELOW_S` on average and have no
timeout — run one after the other, since a thread of their own each would cost more than they take. They do not
run on the worker's own thread, though: a handler fast a thousand times may still hang for good the next time (an
HTTP call made without a timeout, to a server that accepted the connection and never answers), and the thread it
hangs on claims nothing more, fires no timers, and keeps the leases of its jobs renewed for ever. So the batch is
handed to the lane's one thread — one hand-over for the batch, not one an action — while the worker's thread
waits for it. A call that runs past `overrun_s` is let go: the worker gets the outcomes of the calls before it and
a future for its own, and goes on; the lane runs no further call of that batch (the worker starts them itself)
and leaves its thread to that call (it ends when the call does), so the next batch gets a new one.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from concurrent.futures import Future

from engine.runtime.action_outcome import ActionOutcome, HandlerInterrupted, classified
from engine.runtime.action_runner import ActionRunner, Call
from storage.records import record

__all__ = ["QuickLane", "QuickRun"]


@record
class QuickRun:
    """What a quick batch came to: the outcomes of its first `len(ended)` calls, in order; and, when the call after
    them overran the quick path, the future of its outcome (it still runs, let go). The calls after that one were
    not started."""

    ended: tuple[ActionOutcome, ...]
    overran: Future[ActionOutcome] | None


class QuickLane:
    """One thread, kept between batches, that runs a worker's quick batches (`run`)."""

    def __init__(self, runner: ActionRunner) -> None:
        self._runner = runner
        self._thread: _LaneThread | None = None  # started with the first batch, and again after one let go

    def run(self, calls: list[Call], overrun_s: float) -> QuickRun:
        """Run `calls` one after the other on the lane's thread, in the caller's context (its context variables),
        waiting for them — until one has run `overrun_s` without ending: that one is let go (`QuickRun`)."""
        batch = _Batch(self._runner, calls)
        if self._thread is None:
            self._thread = _LaneThread()
        self._thread.give(batch)
        try:
            overran = batch.wait(overrun_s)
        except BaseException:  # the caller was interrupted (a Ctrl-C): no further call starts
            batch.stop()
            self._thread.end()  # now, if idle; else once its call ends
            self._thread = None
            raise
        if overran is not None:
            self._thread = None  # it stays with the call it runs, and ends with it; the next batch gets a new one
        return QuickRun(tuple(batch.ended), overran)

    def close(self) -> None:
        """End the lane's thread (between batches)."""
        if self._thread is not None:
            self._thread.end()
            self._thread = None


class _LaneThread:
    """A thread that runs the batches it is given, one at a time, until one is stopped or it is ended. Two locks
    pass each batch to it and back (`threading.Lock`, no `Future`: this hand-over is the whole cost of the lane)."""

    _started = 0

    def __init__(self) -> None:
        self._go = threading.Lock()
        self._go.acquire()
        self._batch: _Batch | None = None
        _LaneThread._started += 1
        threading.Thread(target=self._serve, name=f"statewright-quick_{_LaneThread._started}", daemon=True).start()

    def give(self, batch: _Batch) -> None:
        self._batch = batch
        self._go.release()

    def end(self) -> None:
        self._batch = None
        with contextlib.suppress(RuntimeError):  # released already: it has yet to take its batch, and ends instead
            self._go.release()

    def _serve(self) -> None:
        while True:
            self._go.acquire()
            batch = self._batch
            if batch is None:
                return
            batch.context.run(batch.run_all)
            if batch.stopped:  # let go, or its caller interrupted: the lane runs on without this thread
                return


class _Batch:
    """The calls of one quick batch, run on the lane's thread (`run_all`) and waited for on the worker's (`wait`)."""

    def __init__(self, runner: ActionRunner, calls: list[Call]) -> None:
        self._runner = runner
        self._calls = calls
        self.context = contextvars.copy_context()  # the caller's, which its handlers see as if run there
        self._lock = threading.Lock()
        self._done = threading.Lock()  # held until every call has run (or the batch stopped)
        self._done.acquire()
        self._error: BaseException | None = None
        self.ended: list[ActionOutcome] = []
        self._began: float | None = None  # when the call running now began (monotonic); None between calls
        self._stopped = False  # no further call starts
        self._overran: Future[ActionOutcome] | None = None  # the outcome of the call let go, when it ends

    @property
    def stopped(self) -> bool:
        return self._stopped

    def run_all(self) -> None:
        """On the lane's thread: each call in turn, until the batch is stopped."""
        try:
            self._run_all()
        except BaseException as exc:  # noqa: BLE001 - not a handler's failure (those are outcomes): for `wait`
            self._error = exc
        finally:
            self._done.release()

    def _run_all(self) -> None:
        for call in self._calls:
            with self._lock:
                if self._stopped:
                    return
                self._began = time.monotonic()
            try:
                outcome = self._run(call)
            except BaseException as exc:
                if (overran := self._ended_one(None)) is None:
                    raise
                overran.set_exception(exc)
                return
            if (overran := self._ended_one(outcome)) is not None:
                overran.set_result(outcome)
                return

    def _run(self, call: Call) -> ActionOutcome:
        try:
            return self._runner.run(*call)
        except KeyboardInterrupt as exc:  # the handler's own: a Ctrl-C reaches the main thread only
            interrupted = HandlerInterrupted(str(exc))
            interrupted.__cause__ = exc
            return classified(interrupted, call[1], call[2])

    def _ended_one(self, outcome: ActionOutcome | None) -> Future[ActionOutcome] | None:
        """Count the call that ended among the batch's, unless it was let go meanwhile: then its future."""
        with self._lock:
            self._began = None
            if self._overran is None and outcome is not None:
                self.ended.append(outcome)
            return self._overran

    def wait(self, overrun_s: float) -> Future[ActionOutcome] | None:
        """On the worker's thread: wait for the batch to end (raising what it raised), or for a call to run
        `overrun_s` — then let it go and return the future of its outcome."""
        while True:
            with self._lock:
                began = self._began
            left = overrun_s if began is None else began + overrun_s - time.monotonic()
            if self._done.acquire(True, max(left, 0.0)):
                if self._error is not None:
                    raise self._error
                return None
            overran = self._let_go(overrun_s)
            if overran is not None:
                return overran

    def _let_go(self, overrun_s: float) -> Future[ActionOutcome] | None:
        """Stop the batch and let its running call go, if it has run `overrun_s`; the future of its outcome."""
        with self._lock:
            if self._began is None or time.monotonic() - self._began < overrun_s:
                return None
            self._stopped = True
            self._overran = Future()
            self._overran.set_running_or_notify_cancel()
            return self._overran

    def stop(self) -> None:
        """No further call starts (the one running, if any, ends unheard)."""
        with self._lock:
            self._stopped = True
