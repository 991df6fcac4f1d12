"""Running action handlers: plain or async, each under its task's timeout, its outcome normalised
(`action_outcome`) — one at a time (`ActionRunner.run`), or several at once on the runner's threads, collected as
they end (`Flight`), over as many of the caller's rounds as they take."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import time
from collections.abc import Hashable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Generic, TypeVar

from engine import tracing
from engine.runtime.action_outcome import ActionOutcome, HandlerInterrupted, classified, missing, normalise
from engine.runtime.actions import ActionHandler, ActionRequest
from engine.runtime.attempts_in_progress import in_attempt
from engine.runtime.handler_threads import HandlerThreads

__all__ = ["SETTLE_S", "ActionRunner", "Call", "Flight"]

log = logging.getLogger("statewright.worker")

K = TypeVar("K", bound=Hashable)

Call = tuple[ActionHandler | None, ActionRequest, float | None]

# How long the outcomes of actions that ended are held for others to end with them, while slower ones still run,
# before they are handed on to be committed together (`Flight.ended`).
SETTLE_S = 0.2
# How long past its timeout an async handler's cancellation (asyncio.wait_for, in its own event loop) is waited
# for, before the handler is given up as a plain one would be (its loop blocked by code that never awaits)
ASYNC_GRACE_S = 1.0


class ActionRunner:
    """Runs handlers. With a timeout, a plain handler runs on a pool thread the caller stops waiting for
    (Python cannot kill a thread: a handler that overruns keeps its thread until it returns, and the pool gives
    that thread up and starts another, `HandlerThreads`); an async handler runs under `asyncio.wait_for`,
    which cancels it. A `Flight` (and `run_many`) runs actions at once, one pool thread each, so a worker's
    batch takes as long as its slowest action, not the sum of them — unless the actions have been quick (under
    `INLINE_BELOW_S` on average) and have no timeout: then handing them to threads would cost more than it
    saves, and they run one after the other on one thread (`runs_here`): the caller's, or a worker's quick lane,
    which lets go of a call that overruns (`engine.runtime.quick_lane`)."""

    INLINE_BELOW_S = 0.002

    def __init__(self, threads: int = 32) -> None:
        self._pool = HandlerThreads(threads, "statewright-action")
        # A moving average of how long a call (or a concurrent batch) takes. It starts at the threshold, not
        # below it: a worker's first batch runs concurrently, since actions that wait (model calls) would
        # otherwise take turns through it; a quick first batch brings the average under at once.
        self._typical_s = self.INLINE_BELOW_S

    def observe(self, seconds: float) -> None:
        """Count how long a call (or a concurrent batch) took into the moving average `runs_here` decides by: a
        `Flight` times the actions it runs on the runner's threads, as `run` times its own."""
        self._typical_s = 0.8 * self._typical_s + 0.2 * seconds

    def run(self, handler: ActionHandler | None, request: ActionRequest, timeout_s: float | None) -> ActionOutcome:
        if handler is None:
            return missing(request)
        handler = _traced(handler, request)
        begun = time.monotonic()
        try:
            with in_attempt(request.idempotency_key, request.instance_id):
                value = self._call(handler, request, timeout_s)
        except BaseException as exc:  # noqa: BLE001 - classified below, re-raised if not a handler failure
            return classified(exc, request, timeout_s)
        finally:
            self.observe(time.monotonic() - begun)
        return normalise(value, request.output_schema)

    def run_many(self, calls: list[Call]) -> list[ActionOutcome]:
        """Run several actions at once; each keeps its own timeout. Their outcomes, in the calls' order."""
        outcomes: dict[int, ActionOutcome] = {}
        for group in self.run_as_done(calls, settle_s=None):
            outcomes.update(group)
        return [outcomes[index] for index in range(len(calls))]

    def run_as_done(self, calls: list[Call], *,
                    settle_s: float | None = SETTLE_S) -> Iterator[list[tuple[int, ActionOutcome]]]:
        """Run several actions at once and hand their outcomes on in groups as they end — (index in `calls`,
        outcome) — each group once `settle_s` has passed since its first outcome, or when nothing is left
        running (`settle_s` None: one group, at the end). Quick actions without a timeout run one after the
        other on this thread (`runs_here`), as one group, as does a single action."""
        if len(calls) <= 1 or self.runs_here(calls):
            yield [(index, self.run(*call)) for index, call in enumerate(calls)]
            return
        flight: Flight[int] = Flight(self)
        for index, call in enumerate(calls):
            flight.start(index, call)
        while flight:
            yield flight.ended(None, settle_s)

    def runs_here(self, calls: list[Call]) -> bool:
        """Whether these actions are better run one after the other on one thread than at once on the runner's:
        quick ones (under `INLINE_BELOW_S` on average so far) without a timeout."""
        return self._typical_s < self.INLINE_BELOW_S and all(t is None for _, _, t in calls)

    def _call(self, handler: ActionHandler, request: ActionRequest, timeout_s: float | None) -> Any:
        if _is_async(handler):
            # On a pool thread: the caller's thread may already run an event loop (an async host
            # application, Playwright's sync API), where asyncio.run would refuse to start.
            return self._pool.submit(_inline, handler, request, timeout_s).result()
        if timeout_s is None:
            result = handler(request)
        else:
            future = self._pool.submit(_inline, handler, request, timeout_s)
            try:
                result = future.result(timeout=timeout_s)
            except FutureTimeout:
                self.give_up(future, request, timeout_s)
                raise
        if type(result) not in _PLAIN and inspect.isawaitable(result):  # run in this attempt's context
            return self._pool.submit(contextvars.copy_context().run, asyncio.run, _bounded(result, timeout_s)).result()
        return result

    def submit(self, handler: ActionHandler, request: ActionRequest, timeout_s: float | None) -> Future[Any]:
        """Start one action on a thread of the runner's, as an attempt of its task (an async handler under its
        timeout), in a span of its own when tracing is on; what it returns or raises, from the future. For a
        `Flight`, which waits for many such futures at once and classifies their ends itself."""
        return self._pool.submit(_inline, _traced(handler, request), request, timeout_s)

    def give_up(self, future: Future[Any], request: ActionRequest, timeout_s: float | None) -> None:
        """Stop waiting for an action past its timeout; one still running keeps its thread, which is replaced
        (`HandlerThreads.give_up`), and a warning says so — whoever noticed the overrun: `run` or a `Flight`."""
        if self._pool.give_up(future):
            log.warning("the action '%s' of instance %s overran its timeout of %s s and still runs on its thread, "
                        "given up (%s such threads now)", request.action, request.instance_id, timeout_s,
                        self._pool.given_up, extra={"instance_id": request.instance_id})

    def close(self) -> None:
        self._pool.close()


class Flight(Generic[K]):
    """Actions running at once on a runner's threads, each under its own timeout, whose outcomes the caller
    collects as they end (`ended`), each under the key it was started with — over as many of the caller's rounds
    as they take: a worker keeps a slow model call, or a handler that hangs until its timeout, in flight while it
    fires timers and runs its other jobs, rather than waiting for it."""

    def __init__(self, runner: ActionRunner) -> None:
        self._runner = runner
        self._pending: dict[Future[Any], K] = {}
        self._calls: dict[K, tuple[Call, float]] = {}  # key -> its call, and when it started
        self._deadlines: dict[K, float] = {}
        self._ended: list[tuple[K, ActionOutcome]] = []  # ended as they started (no handler)
        self._adopted: dict[K, ActionRequest] = {}  # started elsewhere, their futures' results outcomes already

    def __len__(self) -> int:
        return len(self._pending) + len(self._ended)

    def start(self, key: K, call: Call) -> None:
        """Start one action; its outcome comes from `ended` under `key` (one not in flight now)."""
        handler, request, timeout_s = call
        if handler is None:
            self._ended.append((key, missing(request)))
            return
        begun = time.monotonic()
        future = self._runner.submit(handler, request, timeout_s)
        self._pending[future] = key
        self._calls[key] = (call, begun)
        if timeout_s is not None:  # an async handler is cancelled at its timeout by its own loop: a moment's grace
            self._deadlines[key] = begun + timeout_s + (ASYNC_GRACE_S if _is_async(handler) else 0.0)

    def adopt(self, key: K, request: ActionRequest, future: Future[ActionOutcome]) -> None:
        """Carry on under `key` an action that runs elsewhere already and has no timeout — a quick call that overran
        the quick path (`engine.runtime.quick_lane`) —, its outcome (normalised, its time counted: `run`) from
        `future`."""
        self._pending[future] = key
        self._adopted[key] = request

    def ended(self, wait_s: float | None, settle_s: float | None = SETTLE_S) -> list[tuple[K, ActionOutcome]]:
        """The outcomes of the actions that have ended, or overran their timeout (given up, their threads left to
        end): waiting up to `wait_s` for the first (None: as long as it takes; 0: not at all), then until
        `settle_s` has passed since it for others to end with it (None: until none is left running). Empty when
        none ended within `wait_s`."""
        group, self._ended = self._ended, []
        begun = time.monotonic()
        first_at = begun if group else None
        while self._pending:
            limits = [self._deadlines[key] for key in self._pending.values() if key in self._deadlines]
            if first_at is None and wait_s is not None:
                limits.append(begun + wait_s)
            elif first_at is not None and settle_s is not None:
                limits.append(first_at + settle_s)
            done, _ = wait(list(self._pending), timeout=max(0.0, min(limits) - time.monotonic()) if limits else None,
                           return_when=FIRST_COMPLETED)
            now = time.monotonic()
            group += [(key, self._outcome(key, future, now)) for future in done for key in (self._pending.pop(future),)]
            for future, key in list(self._pending.items()):
                if key in self._deadlines and now >= self._deadlines[key]:
                    del self._pending[future]
                    group.append((key, self._overran(key, future)))
            if group and first_at is None:
                first_at = now
            if (first_at is None and wait_s is not None and now >= begun + wait_s) or (
                    first_at is not None and settle_s is not None and now >= first_at + settle_s):
                break
        return group

    def _outcome(self, key: K, future: Future[Any], now: float) -> ActionOutcome:
        if (adopted := self._adopted.pop(key, None)) is not None:
            try:
                outcome: ActionOutcome = future.result()
            except BaseException as exc:  # noqa: BLE001 - classified below, re-raised if not a handler failure
                return classified(exc, adopted, None)
            return outcome
        (_, request, timeout_s), begun = self._calls.pop(key)
        self._deadlines.pop(key, None)
        self._runner.observe(now - begun)
        try:
            return normalise(future.result(), request.output_schema)
        except BaseException as exc:  # noqa: BLE001 - classified below, re-raised if not a handler failure
            return classified(exc, request, timeout_s)

    def _overran(self, key: K, future: Future[Any]) -> ActionOutcome:
        (_, request, timeout_s), _ = self._calls.pop(key)
        del self._deadlines[key]
        self._runner.give_up(future, request, timeout_s)
        return classified(FutureTimeout(), request, timeout_s)

_PLAIN = frozenset({dict, list, str, int, float, bool, type(None)})  # what a handler mostly returns: not awaitable
_ASYNC: dict[Any, bool] = {}


def _is_async(handler: ActionHandler) -> bool:
    """`inspect.iscoroutinefunction`, remembered per handler (it unwraps partials and checks code flags on
    every call, and the worker asks once per action)."""
    try:
        found = _ASYNC.get(handler)
    except TypeError:  # an unhashable callable
        return inspect.iscoroutinefunction(handler)
    if found is None:
        if len(_ASYNC) >= 4096:
            _ASYNC.clear()
        found = _ASYNC[handler] = inspect.iscoroutinefunction(handler)
    return found


async def _bounded(awaitable: Any, timeout_s: float | None) -> Any:
    return await asyncio.wait_for(awaitable, timeout_s)


def _inline(handler: ActionHandler, request: ActionRequest, timeout_s: float | None) -> Any:
    """Call on this (pool) thread, as an attempt of the request's task: an async handler under its timeout, a
    plain one as it is."""
    try:
        with in_attempt(request.idempotency_key, request.instance_id):
            result = handler(request)
            if inspect.isawaitable(result):
                return asyncio.run(_bounded(result, timeout_s))
            return result
    except KeyboardInterrupt as exc:  # not a Ctrl-C (that reaches the main thread only): the handler's own
        raise HandlerInterrupted(str(exc)) from exc


def _traced(handler: ActionHandler, request: ActionRequest) -> ActionHandler:
    """The handler inside a span for this attempt, in the trace of the step that asked for it (when tracing
    is on; else the handler as it is, without building the span's attributes on every action)."""
    if not tracing.tracing_enabled():
        return handler
    traced: ActionHandler = tracing.traced_handler(handler, "statewright.action", {
        "statewright.instance_id": request.instance_id, "statewright.workflow_id": request.workflow_id,
        "statewright.state": request.state, "statewright.action": request.action,
        "statewright.attempt": request.attempt, "statewright.agent": request.agent,
    }, request.trace_context)
    return traced


