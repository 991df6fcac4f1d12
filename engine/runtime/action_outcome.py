"""An action's outcome, and how what a handler returned or raised becomes one: its output kept when it is JSON the
tables can store and fits the schema the context declares, its cost when the cost tables can keep it, its failure
classified by kind."""

from __future__ import annotations

import asyncio
import operator
from concurrent.futures import TimeoutError as FutureTimeout
from decimal import Decimal
from numbers import Real
from typing import Any, SupportsIndex

from engine.definition.expressions import ExpressionError
from engine.json_limits import MAX_JSON_BYTES, unstorable_at
from engine.redaction import redact_kept
from engine.runtime.actions import ActionError, ActionRequest, ActionResult, Cost
from engine.runtime.context_schema import schema_problems
from engine.runtime.variables import output_json
from storage.codec import dump
from storage.records import record

__all__ = ["MAX_COST_AMOUNT", "MAX_COST_TOKENS", "MAX_MESSAGE", "MAX_MODEL_NAME", "ActionOutcome", "HandlerInterrupted",
           "checked_cost", "classified", "missing", "normalise"]


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


def missing(request: ActionRequest, *, within_s: float | None = None) -> ActionOutcome:
    """The failure of an action no handler is registered for (not retried: the same worker has none next time).
    `within_s`: the grace window the job was handed back for, waiting for a worker that has one
    (`engine.runtime.hand_backs`), when it was."""
    if within_s is None:
        message = f"no handler is registered for the action '{request.action}'"
    else:
        message = (f"no worker with a handler for the action '{request.action}' took the job within {within_s:g} s "
                   "(the workers without one handed it back)")
    return _failure("unknown_action", message, retryable=False)


def _unicode(text: str) -> str:
    """`text` as UTF-8 can carry it: a lone surrogate (text decoded with `surrogateescape`, a broken reply)
    becomes '?', as it could not be written."""
    if text.isascii():
        return text
    return text.encode("utf-8", errors="replace").decode("utf-8")


MAX_MESSAGE = 8_192  # characters of a failure's message kept: it goes into the history, the instance and the context


def _message(text: str) -> str:
    """A failure's message as it is kept: at most MAX_MESSAGE characters (a handler may raise with a whole reply
    in its message; the history keeps it with every attempt), its secrets redacted (a service may echo the key it
    was sent: `engine.redaction`), valid Unicode."""
    if len(text) > MAX_MESSAGE:
        text = f"{text[:MAX_MESSAGE]}… ({len(text) - MAX_MESSAGE:,} more characters not kept)"
    return _unicode(redact_kept(text))


def _described(exc: BaseException) -> str:
    """`Type: message` of an exception, even one whose `__str__` raises (the handler's failure is still its own,
    not the worker's)."""
    name = type(exc).__name__
    try:
        text = str(exc)
    except Exception as failed:  # noqa: BLE001 - any failure to describe it is described instead
        return f"{name} (its message could not be read: {type(failed).__name__})"
    if isinstance(exc, SystemExit):  # sys.exit() in a handler (an argparse or click program called as one)
        return f"{name}: the handler called sys.exit({text}); the worker does not exit for a handler"
    return f"{name}: {text}" if text else name


def classified(exc: BaseException, request: ActionRequest, timeout_s: float | None) -> ActionOutcome:
    """The outcome of a handler that raised `exc`. Only a Ctrl-C (KeyboardInterrupt) on the caller's thread is
    not the handler's: it is raised again, for the worker to stop. Anything else — `SystemExit` from
    `sys.exit()`, any other `BaseException`, an exception whose message cannot be read — fails the one task."""
    if isinstance(exc, ActionError):
        cost, problem = checked_cost(exc.cost)
        if problem is not None:  # its own kind's retries would run the handler again for the same cost
            return ActionOutcome(error_kind="output", retryable=False, steps=_steps(exc.steps), error_message=_message(
                f"the action failed ({exc.kind}: {exc.detail}) and {_COST_REFUSED}{problem}"))
        return ActionOutcome(error_kind=exc.kind, error_message=_message(exc.detail), retryable=exc.retryable,
                             steps=_steps(exc.steps), cost=cost, retry_after_s=exc.retry_after_s)
    if isinstance(exc, TimeoutError | FutureTimeout):
        return _failure("timeout", f"the action '{request.action}' did not finish within {timeout_s} s")
    if isinstance(exc, asyncio.CancelledError):  # an async handler runs in an event loop of its own, which
        # cancels nothing but a timeout (a TimeoutError): this was cancelled inside the handler's own code
        said = _described(exc).removeprefix(type(exc).__name__).removeprefix(": ")
        return _failure("error", _message(f"the action '{request.action}' was cancelled inside its handler"
                                          + (f": {said}" if said else "")))
    if isinstance(exc, HandlerInterrupted):  # the handler's own KeyboardInterrupt, raised on a pool thread
        return _failure("error", _message(_described(exc.__cause__ or exc)))
    if isinstance(exc, KeyboardInterrupt):
        raise exc
    return _failure("error", _message(_described(exc)))


class HandlerInterrupted(Exception):
    """A KeyboardInterrupt a handler raised on one of the runner's threads, where no Ctrl-C is ever delivered
    (Python delivers it to the main thread): the handler's own failure, carried as its cause."""


def _storable(value: Any) -> Any:
    """`value` (from `output_json`) checked for what only the encoder would find, when the step is written — by
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
    """A value `output_json` converted that still cannot be stored as JSON; the message says why. `whole`: the
    value as a whole (its size), not a part of it."""

    def __init__(self, message: str, *, whole: bool = False) -> None:
        super().__init__(message)
        self.whole = whole


def _json(value: Any) -> Any:
    """`value` as JSON the tables can keep; `ExpressionError` for a type that is no JSON, `_UnstorableOutput`
    for a value of JSON types that still cannot be kept (see `_storable`; a value that contains itself makes
    `output_json` recurse without end)."""
    try:
        return _storable(output_json(value))
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


def normalise(value: Any, output_schema: dict[str, Any] | None = None) -> ActionOutcome:
    """The handler's return as an outcome: its output when it is JSON that fits the schema the context declares
    at the task's `output` (`output_schema`), with its cost when the cost tables can keep it (`checked_cost`);
    else a failure of kind `output` (not retried: the same input would give the same answer), with the cost the
    attempt spent when that can be kept."""
    if isinstance(value, ActionResult):
        returned, reported, steps = value.output, value.cost, _steps(value.steps)
    else:  # most handlers return the output alone: no steps, no cost
        returned, reported, steps = value, None, ()
    output, problem = _kept_output(returned, output_schema)
    cost, cost_problem = checked_cost(reported)
    if cost_problem is not None:
        problem = _COST_REFUSED + cost_problem if problem is None else f"{problem}; and {_COST_REFUSED}{cost_problem}"
    if problem is not None:
        return ActionOutcome(error_kind="output", retryable=False, steps=steps, cost=cost, error_message=problem)
    return ActionOutcome(output, cost, steps=steps)


MAX_COST_AMOUNT = 1e12  # USD for one action: far above any; a month of such costs still sums to a finite number
MAX_COST_TOKENS = 2**31 - 1  # the cost tables' token columns are 32-bit integers on PostgreSQL
MAX_MODEL_NAME = 200  # characters: as an agent's `model`, and the cost tables' column
_COST_REFUSED = "the action reported a cost that cannot be recorded: "


def checked_cost(cost: object) -> tuple[Cost | None, str | None]:
    """A handler's reported `cost` (None: none) as the cost tables keep it, and None; or None and what is wrong
    with it, naming the value. Else the database would refuse it when the attempt's outcome is written — a NaN,
    an integer past the column's range, a model name too long — and the job be taken again and its handler run
    again, or take it and count it against the budget: a negative amount as a refund, an infinity for ever."""
    if cost is None:
        return None, None
    if not isinstance(cost, Cost):
        return None, f"it is a {type(cost).__name__}, not a Cost"
    (amount, amount_problem), (tokens, tokens_problem) = _amount(cost.amount), _tokens(cost.tokens)
    problem = amount_problem or tokens_problem or _model_problem(cost.model) or (
        None if isinstance(cost.priced, bool) else f"its priced is {_shown(cost.priced)}, not True or False")
    if problem is not None:
        return None, problem
    return Cost(amount, tokens=tokens, model=cost.model, priced=cost.priced), None


def _amount(value: object) -> tuple[float, str | None]:
    refused = f"its amount is {_shown(value)}, not a finite number of USD from 0 to {MAX_COST_AMOUNT:,.0f}"
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        return 0.0, refused
    try:
        amount = float(value)
    except (OverflowError, ValueError):  # an integer past a float's range; a signalling Decimal NaN
        return 0.0, refused
    if not 0 <= amount <= MAX_COST_AMOUNT:  # false for a NaN too
        return 0.0, refused
    return abs(amount), None  # -0.0 kept as 0


def _tokens(value: object) -> tuple[int, str | None]:
    refused = f"its tokens are {_shown(value)}, not a whole number from 0 to {MAX_COST_TOKENS:,}"
    if isinstance(value, bool) or not isinstance(value, SupportsIndex):  # an int, or a numpy one; not 2.5
        return 0, refused
    tokens = operator.index(value)
    return tokens, None if 0 <= tokens <= MAX_COST_TOKENS else refused


def _model_problem(model: object) -> str | None:
    if model is None:
        return None
    if not isinstance(model, str):
        return f"its model is a {type(model).__name__}, not a name (text) or None"
    if len(model) > MAX_MODEL_NAME:
        return f"its model is {len(model):,} characters long, more than the {MAX_MODEL_NAME} a model's name may be"
    if "\x00" in model or _unicode(model) != model:
        return f"its model {_shown(model)} holds a NUL character or a lone surrogate, which the tables cannot keep"
    return None


def _kept_output(value: Any, output_schema: dict[str, Any] | None) -> tuple[Any, str | None]:
    """`value` as the JSON the tables keep, and None; or None and what is wrong with it, said for the one who
    fixes the handler: no JSON, JSON that cannot be stored, or JSON that does not fit `output_schema`."""
    try:
        output = _json(value)
    except ExpressionError:
        pointer, reason = unstorable_at(value) or ("/", f"a {type(value).__name__} is not a JSON value")
        return None, f"the action returned a value that is not JSON: at {pointer}, {reason}"
    except _UnstorableOutput as exc:
        message = f"the action returned a value that cannot be stored as JSON: {exc}"
        found = None if exc.whole else unstorable_at(value)
        if found is not None and found[0] != "/":  # where in the value, for the one who fixes the handler
            message += f" (at {found[0]})"
        return None, message
    problems = schema_problems(output_schema, output) if output_schema is not None else []
    if problems:
        return None, ("the action's output does not fit the schema the context declares at the task's output key "
                      "(pointers within the output): " + "; ".join(problems))
    return output, None
