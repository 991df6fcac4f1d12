"""Running one action handler: plain or async, with the task's timeout enforced, its outcome normalised."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from engine import tracing
from engine.definition.expressions import ExpressionError
from engine.json_limits import MAX_JSON_BYTES, unstorable_at
from engine.runtime.actions import ActionError, ActionHandler, ActionRequest, ActionResult, Cost
from engine.runtime.context_schema import schema_problems
from engine.runtime.handler_threads import HandlerThreads
from engine.runtime.variables import json_value
from storage.codec import dump
from storage.records import record

__all__ = ["ActionOutcome", "ActionRunner"]

log = logging.getLogger("statewright.worker")


@record
class ActionOutcome:
    output: Any = None
    cost: Cost | None = None
    error_kind: str | None = None
    error_message: str | None = None
    retryable: bool = True
    steps: tuple[dict[str, Any], ...] = ()  # the tool calls the attempt made
    retry_after_s: float | None = None  # the failing service's own least wait before a retry

    @property
    def failed(self) -> bool:
        return self.error_kind is not None


def _failure(kind: str, message: str, *, retryable: bool = True) -> ActionOutcome:
    return ActionOutcome(error_kind=kind, error_message=message, retryable=retryable)


Call = tuple[ActionHandler | None, ActionRequest, float | None]

# How long the outcomes of a concurrent batch that ended are held for others to end with them, while the batch's
# slower actions still run, before they are handed on to be committed (`ActionRunner.run_as_done`).
SETTLE_S = 0.2


class ActionRunner:
    """Runs handlers. With a timeout, a plain handler runs on a pool thread the caller stops waiting for
    (Python cannot kill a thread: a handler that overruns keeps its thread until it returns, and the pool gives
    that thread up and starts another, `HandlerThreads`); an async handler runs under `asyncio.wait_for`,
    which cancels it. `run_many` runs a batch concurrently, one pool
    thread each, so a worker's batch takes as long as its slowest action, not the sum of them — unless the
    actions have been quick (under `INLINE_BELOW_S` on average) and have no timeout: then handing them to
    threads would cost more than it saves, and they run one after the other on the caller's thread."""

    INLINE_BELOW_S = 0.002

    def __init__(self, threads: int = 32) -> None:
        self._pool = HandlerThreads(threads, "statewright-action")
        # A moving average of how long a call (or a concurrent batch) takes. It starts at the threshold, not
        # below it: a worker's first batch runs concurrently, since actions that wait (model calls) would
        # otherwise take turns through it; a quick first batch brings the average under at once.
        self._typical_s = self.INLINE_BELOW_S

    def _observe(self, seconds: float) -> None:
        self._typical_s = 0.8 * self._typical_s + 0.2 * seconds

    def run(self, handler: ActionHandler | None, request: ActionRequest, timeout_s: float | None) -> ActionOutcome:
        if handler is None:
            return _missing(request)
        handler = _traced(handler, request)
        begun = time.monotonic()
        try:
            value = self._call(handler, request, timeout_s)
        except BaseException as exc:  # noqa: BLE001 - classified below, re-raised if not a handler failure
            return _classified(exc, request, timeout_s)
        finally:
            self._observe(time.monotonic() - begun)
        return _normalise(value, request.output_schema)

    def run_many(self, calls: list[Call]) -> list[ActionOutcome]:
        """Run several actions at once; each keeps its own timeout. Their outcomes, in the calls' order."""
        outcomes: dict[int, ActionOutcome] = {}
        for group in self.run_as_done(calls, settle_s=None):
            outcomes.update(group)
        return [outcomes[index] for index in range(len(calls))]

    def run_as_done(self, calls: list[Call], *,
                    settle_s: float | None = SETTLE_S) -> Iterator[list[tuple[int, ActionOutcome]]]:
        """Run several actions at once, each under its own timeout, and hand their outcomes on in groups as
        they end — (index in `calls`, outcome) — so a caller can commit what is done while a slow action (a
        model call that takes its time) still runs: a group is handed on once `settle_s` has passed since its
        first outcome, or when nothing is left running (`settle_s` None: one group, at the end). Quick actions
        without a timeout run one after the other on this thread, as one group."""
        quick = self._typical_s < self.INLINE_BELOW_S and all(t is None for _, _, t in calls)
        if len(calls) <= 1 or quick:
            yield [(index, self.run(*call)) for index, call in enumerate(calls)]
            return
        begun = time.monotonic()
        group = [(index, _missing(request)) for index, (handler, request, _) in enumerate(calls) if handler is None]
        pending = {self._pool.submit(_inline, _traced(handler, request), request, timeout_s): index
                   for index, (handler, request, timeout_s) in enumerate(calls) if handler is not None}
        deadlines = {index: begun + t for index, (_, _, t) in enumerate(calls) if t is not None}
        group_begun = begun if group else None
        while pending:
            until = [deadlines[i] for i in pending.values() if i in deadlines]
            if settle_s is not None and group_begun is not None:
                until.append(group_begun + settle_s)
            done, _ = wait(list(pending), timeout=max(0.0, min(until) - time.monotonic()) if until else None,
                           return_when=FIRST_COMPLETED)
            now = time.monotonic()
            for future in done:
                index = pending.pop(future)
                group.append((index, self._outcome(future, calls[index])))
            for future, index in list(pending.items()):  # past its timeout: given up, its thread left to end
                if index in deadlines and now >= deadlines[index]:
                    del pending[future]
                    self._give_up(future, calls[index][1], calls[index][2])
                    group.append((index, _classified(FutureTimeout(), calls[index][1], calls[index][2])))
            if group and group_begun is None:
                group_begun = now
            if pending and settle_s is not None and group_begun is not None and now >= group_begun + settle_s:
                yield group
                group, group_begun = [], None
        self._observe(time.monotonic() - begun)
        if group:
            yield group

    @staticmethod
    def _outcome(future: Future[Any], call: Call) -> ActionOutcome:
        try:
            return _normalise(future.result(), call[1].output_schema)
        except BaseException as exc:  # noqa: BLE001 - classified below, re-raised if not a handler failure
            return _classified(exc, call[1], call[2])

    def _call(self, handler: ActionHandler, request: ActionRequest, timeout_s: float | None) -> Any:
        if _is_async(handler):
            # On a pool thread: the caller's thread may already run an event loop (an async host
            # application, Playwright's sync API), where asyncio.run would refuse to start.
            return self._pool.submit(_inline, handler, request, timeout_s).result()
        if timeout_s is None:
            result = handler(request)
        else:
            future = self._pool.submit(handler, request)
            try:
                result = future.result(timeout=timeout_s)
            except FutureTimeout:
                self._give_up(future, request, timeout_s)
                raise
        if type(result) not in _PLAIN and inspect.isawaitable(result):
            return self._pool.submit(asyncio.run, _bounded(result, timeout_s)).result()
        return result

    def _give_up(self, future: Future[Any], request: ActionRequest, timeout_s: float | None) -> None:
        """Stop waiting for an action past its timeout; one still running keeps its thread, which is replaced."""
        if self._pool.give_up(future):
            log.warning("the action '%s' of instance %s overran its timeout of %s s and still runs on its thread, "
                        "given up (%s such threads now)", request.action, request.instance_id, timeout_s,
                        self._pool.given_up, extra={"instance_id": request.instance_id})

    def close(self) -> None:
        self._pool.close()


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
    """Call on this (pool) thread: an async handler under its timeout, a plain one as it is."""
    result = handler(request)
    if inspect.isawaitable(result):
        return asyncio.run(_bounded(result, timeout_s))
    return result


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


def _missing(request: ActionRequest) -> ActionOutcome:
    return _failure("unknown_action", f"no handler is registered for the action '{request.action}'",
                    retryable=False)


def _unicode(text: str) -> str:
    """`text` as UTF-8 can carry it: a lone surrogate (text decoded with `surrogateescape`, a broken reply)
    becomes '?', as it could not be written."""
    if text.isascii():
        return text
    return text.encode("utf-8", errors="replace").decode("utf-8")


def _classified(exc: BaseException, request: ActionRequest, timeout_s: float | None) -> ActionOutcome:
    if isinstance(exc, ActionError):
        return ActionOutcome(error_kind=exc.kind, error_message=_unicode(exc.detail), retryable=exc.retryable,
                             steps=_steps(exc.steps), cost=exc.cost, retry_after_s=exc.retry_after_s)
    if isinstance(exc, TimeoutError | FutureTimeout):
        return _failure("timeout", f"the action '{request.action}' did not finish within {timeout_s} s")
    if isinstance(exc, asyncio.CancelledError):  # an async handler runs in an event loop of its own, which
        # cancels nothing but a timeout (a TimeoutError): this was cancelled inside the handler's own code
        return _failure("error", _unicode(f"the action '{request.action}' was cancelled inside its handler"
                                          + (f": {exc}" if str(exc) else "")))
    if isinstance(exc, Exception):
        return _failure("error", _unicode(f"{type(exc).__name__}: {exc}"))
    raise exc


def _storable(value: Any) -> Any:
    """`value` (from `json_value`) checked for what only the encoder would find, when the step is written — by
    then a failure stops the worker, and every worker that claims the job again: a NaN or an infinity, an
    integer of more digits than Python converts, a string that is not Unicode (a lone surrogate), a value that
    contains itself; and one larger than a context may be (1 MiB as JSON). Raises `_UnstorableOutput` saying
    which."""
    try:
        text = dump(value)
        size = len(text) if text.isascii() else len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise _UnstorableOutput("a string in it is not valid Unicode (a lone surrogate such as \\ud800)") from None
    except ValueError as exc:  # a NaN or an infinity; an integer too long to convert to text
        raise _UnstorableOutput(str(exc).split(";", 1)[0]) from None
    if size > MAX_JSON_BYTES:  # as a context or a payload may be: it goes into the context
        raise _UnstorableOutput(f"it takes {size:,} bytes as JSON, more than the {MAX_JSON_BYTES:,} an output may",
                                whole=True)
    return value


class _UnstorableOutput(Exception):
    """A value `json_value` converted that still cannot be stored as JSON; the message says why. `whole`: the
    value as a whole (its size), not a part of it."""

    def __init__(self, message: str, *, whole: bool = False) -> None:
        super().__init__(message)
        self.whole = whole


def _json(value: Any) -> Any:
    """`value` as JSON the tables can keep; `ExpressionError` for a type that is no JSON, `_UnstorableOutput`
    for a value of JSON types that still cannot be kept (see `_storable`; a value that contains itself makes
    `json_value` recurse without end)."""
    try:
        return _storable(json_value(value))
    except RecursionError:
        raise _UnstorableOutput("it contains itself, or nests too deep") from None


def _shown(value: Any) -> str:
    try:
        return repr(value)[:2000]
    except ValueError:  # an integer too long to convert to text
        return f"<{type(value).__name__}>"


def _steps(steps: list[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    """Tool-call steps as JSON; a step that is not JSON is kept as its text, so one odd value loses nothing."""
    kept = []
    for step in steps:
        try:
            kept.append(_json(step))
        except (ExpressionError, _UnstorableOutput):
            kept.append({"step": _shown(step)})
    return tuple(kept)


def _normalise(value: Any, output_schema: dict[str, Any] | None = None) -> ActionOutcome:
    """The handler's return as an outcome: its output when it is JSON that fits the schema the context declares
    at the task's `output` (`output_schema`); else a failure of kind `output` (not retried: the same input
    would give the same answer), with the cost the attempt spent."""
    if not isinstance(value, ActionResult):
        value = ActionResult(value)
    steps = _steps(value.steps)
    try:
        output = _json(value.output)
    except ExpressionError:
        pointer, reason = unstorable_at(value.output) or ("/", f"a {type(value.output).__name__} is not a JSON value")
        message = f"the action returned a value that is not JSON: at {pointer}, {reason}"
    except _UnstorableOutput as exc:
        message = f"the action returned a value that cannot be stored as JSON: {exc}"
        found = None if exc.whole else unstorable_at(value.output)
        if found is not None and found[0] != "/":  # where in the value, for the one who fixes the handler
            message += f" (at {found[0]})"
    else:
        problems = schema_problems(output_schema, output) if output_schema is not None else []
        if not problems:
            return ActionOutcome(output=output, cost=value.cost, steps=steps)
        message = ("the action's output does not fit the schema the context declares at the task's output key "
                   "(pointers within the output): " + "; ".join(problems))
        return ActionOutcome(error_kind="output", retryable=False, steps=steps, cost=value.cost,
                             error_message=message)
    return ActionOutcome(error_kind="output", retryable=False, steps=steps, error_message=message)
