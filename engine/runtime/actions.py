"""The contract between the engine and the action handlers a host application registers.

A handler is a plain or async function taking one `ActionRequest` and returning the action's output (any
JSON-serialisable value) or an `ActionResult` when it also reports a cost. It raises `ActionError` with a
`kind` for failures the definition's `retry.retry_on` can name; any other exception counts as kind 'error'.
Handlers run at least once per attempt; `idempotency_key` is stable across retries of the same attempt
(instance id + history seq) and across a redrive of the failed task, so a handler that writes elsewhere can
de-duplicate.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, overload

from pydantic import TypeAdapter, ValidationError

from engine.definition import Agent, RetryRule
from engine.definition.error_kinds import ANY_ERROR, ERROR_KIND_PATTERN
from engine.definition.states import ActionName
from engine.errors import StatewrightError
from engine.json_schemas import compile_schema, outside_refs
from engine.runtime.retries import will_retry

if TYPE_CHECKING:
    from engine.runtime.memory import InstanceMemory

__all__ = ["ActionError", "ActionHandler", "ActionRequest", "ActionResult", "Cost", "HandlerRegistry",
           "check_action_name"]


@dataclass(frozen=True, slots=True)
class ActionRequest:
    action: str
    input: dict[str, Any]
    context: dict[str, Any]
    idempotency_key: str
    attempt: int
    instance_id: str
    workflow_id: str
    state: str
    tenant: str
    agent: str | None = None
    agent_definition: Agent | None = None  # the deployed agent the task runs as: its configuration and tools
    # the shared memory: `.workflow` and `.global_` (engine.runtime.memory); None for a request made elsewhere
    memory: InstanceMemory | None = field(default=None, repr=False, compare=False)
    # the JSON Schema the output must meet (the workflow's context schema for the task's output key), if any
    output_schema: dict[str, Any] | None = None
    budget_limit: float | None = None  # the agent's most for this one action; an executor may refuse to spend past it
    # the trace context (W3C traceparent) of the step that asked for the action, when tracing is on
    trace_context: dict[str, str] | None = field(default=None, repr=False, compare=False)
    # the task's retry rules and the job's last error (which carries each rule's retries so far):
    # `will_retry` says whether a failure gets another attempt
    retry: tuple[RetryRule, ...] = ()
    last_error: Any = field(default=None, repr=False, compare=False)
    # the task's `timeout_s`: the seconds this attempt has from the handler's call before it fails with kind
    # `timeout` (None: no limit) — a handler that calls out can end its calls before then, keeping their record
    timeout_s: float | None = None
    # where `report_spend` keeps the attempt's running spend (None for a request made elsewhere)
    spend_reporter: Callable[[Cost], None] | None = field(default=None, repr=False, compare=False)

    def report_spend(self, spent: Cost) -> None:
        """Say what this attempt has spent so far — its running total, each model call adding to it. It is kept
        apart from the attempt's outcome, so if the worker dies before the attempt ends, the attempt the next
        worker counts as lost still carries its cost, and the tenant's budget counts it; the outcome's own cost
        replaces it when the attempt ends. Never raises: a tally the database did not take is logged."""
        if self.spend_reporter is not None:
            self.spend_reporter(spent)

    def will_retry(self, kind: str) -> bool:
        """Whether a retryable failure of `kind` in this attempt gets another attempt under the task's rules
        (False once the rule for its kind has made its retries, and for a kind no rule names)."""
        return will_retry(self.retry, kind, attempt=self.attempt, last_error=self.last_error)


@dataclass(frozen=True, slots=True)
class Cost:
    """What one action cost, for the Cost Sentinel: attributed to tenant, workflow, instance and agent.

    `amount` is USD, a finite number from 0 to 1e12; `tokens` a whole number from 0 to 2**31 - 1; `model` text of
    at most 200 characters, or None; `priced` True or False. A handler's cost outside these fails its attempt with
    the error kind `output` (not retried), as an output the tables cannot keep does (`action_outcome.normalise`):
    the cost would otherwise be refused by the database, or count against the tenant's budget as a refund."""

    amount: float
    tokens: int = 0
    model: str | None = None
    priced: bool = True  # false: the model has no price, so the cost is unknown (recorded as such, amount 0)


@dataclass(frozen=True, slots=True)
class ActionResult:
    output: Any
    cost: Cost | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)  # tool calls made: action, parameters, result


_KIND = re.compile(ERROR_KIND_PATTERN)


class ActionError(StatewrightError):
    """A handler's failure with a kind ('timeout', 'rate_limited', 'validation', ...) that retries can name.
    `steps` are the tool calls made before it failed, `cost` what it spent before it failed (a model's tokens);
    both are recorded with the attempt, and the cost counts against the tenant's budget like any other.
    `retry_after_s`: the least wait before a retry that the failing service asked for (a retry waits longer
    than its backoff when this is longer)."""

    status = 502
    title = "Action failed"

    def __init__(self, kind: str, message: str, *, retryable: bool = True,
                 steps: list[dict[str, Any]] | None = None, cost: Cost | None = None,
                 retry_after_s: float | None = None) -> None:
        if not isinstance(kind, str) or kind == ANY_ERROR or len(kind) > 128 or not _KIND.match(kind):
            raise ValueError(f"an ActionError's kind names the failure for retry rules and error transitions, such "
                             f"as 'rate_limited': letters, digits, '_', '-' and '.', up to 128; not {kind!r}")
        super().__init__(message if isinstance(message, str) else repr(message))
        self.kind = kind
        self.retryable = retryable
        self.steps = steps or []
        self.cost = cost
        self.retry_after_s = retry_after_s  # a server's own wait before a retry (HTTP Retry-After), if it named one


ActionHandler = Callable[[ActionRequest], Any | Awaitable[Any]]
H = TypeVar("H", bound=ActionHandler)


class HandlerRegistry:
    """Names to handlers. `register` is also usable as a decorator: `@registry.register("extract_lead")`.

    `inline=True` registers an *inline* action: one that answers at once and touches neither the engine nor
    its database (a computation, a lookup in the process's memory). A worker runs it on its own thread, inside
    the transaction that records the step before it, so a run of inline tasks of one instance commits once
    (each transition still recorded in history, each attempt in the attempts, each job as done). Its timeout
    is checked when it returns, not enforced while it runs; its side effects, if any, must be idempotent by
    its request's `idempotency_key` (a crash before that transaction commits runs the run of tasks again).

    `input_schema` (a JSON Schema) says what input the handler needs: validation then checks each task running
    the action against it (`action-input-mismatch`: a required key its `input` does not give, a key the schema
    does not allow, a constant that does not fit), and at run time an input that does not fit fails the task
    with kind `validation` (not retried) before the handler is called.

    A name must be one a task's `action` can write (`ActionName`: 'extract_lead', 'crm.contacts.search'), else
    `ValueError`: a handler under any other name would wait for a task that can never reach it. A name holds one
    registration: registering the same handler again with the same options changes nothing, while a different
    handler (or other options) under a name already taken is refused (`ValueError`) unless the caller says
    `replace=True` — two parts of an application that happen to pick one name would otherwise have the last one
    loaded silently run the other's tasks."""

    def __init__(self) -> None:
        self._handlers: dict[str, ActionHandler] = {}
        self._inline: set[str] = set()
        self._input_schemas: dict[str, dict[str, Any]] = {}
        self._giving_way: set[str] = set()  # names registered before `replacing_earlier`: replaced without asking

    @contextmanager
    def replacing_earlier(self) -> Iterator[None]:
        """Within this block, a registration replaces a handler registered before the block began as if it said
        `replace=True`: how `serve --handlers` lets an application's own handlers — registered by its function,
        which knows nothing of the shipped ones — win a name both have. Each earlier name gives way once: two
        different handlers registered within the block under one name are still refused."""
        self._giving_way = set(self._handlers)
        try:
            yield
        finally:
            self._giving_way = set()

    @overload
    def register(self, name: str, handler: None = None, *, inline: bool = False,
                 input_schema: Mapping[str, Any] | None = None, replace: bool = False) -> Callable[[H], H]: ...

    @overload
    def register(self, name: str, handler: H, *, inline: bool = False,
                 input_schema: Mapping[str, Any] | None = None, replace: bool = False) -> H: ...

    def register(self, name: str, handler: H | None = None, *, inline: bool = False,
                 input_schema: Mapping[str, Any] | None = None, replace: bool = False) -> H | Callable[[H], H]:
        """Register `handler` for the action `name` (without it, a decorator). `replace`: take the name over from a
        different handler registered under it before (the class's doc); without it, that is a `ValueError`."""
        check_action_name(name)  # before the schema: its errors name the action
        schema = _input_schema(name, input_schema)
        if handler is not None:
            self._add(name, handler, inline, schema, replace)
            return handler

        def decorate(fn: H) -> H:
            self._add(name, fn, inline, schema, replace)
            return fn

        return decorate

    def _add(self, name: str, handler: ActionHandler, inline: bool, schema: dict[str, Any] | None,
             replace: bool) -> None:
        if not callable(handler):
            raise TypeError(f"the handler of the action '{name}' must be callable (it is called with the "
                            f"ActionRequest), not {type(handler).__name__}")
        if not replace and name not in self._giving_way:
            self._refuse_another(name, handler, inline, schema)
        self._giving_way.discard(name)
        self._handlers[name] = handler
        if inline:
            self._inline.add(name)
        else:
            self._inline.discard(name)
        if schema is None:
            self._input_schemas.pop(name, None)
        else:
            self._input_schemas[name] = schema

    def _refuse_another(self, name: str, handler: ActionHandler, inline: bool,
                        schema: dict[str, Any] | None) -> None:
        """`ValueError` when `name` is registered already otherwise than now asked: another handler (`==`, so the
        same bound method taken twice counts as the same), or the same one as inline or not, or with another input
        schema. The very same registration again is no change, and passes."""
        before = self._handlers.get(name)
        if before is None:
            return
        changed = [what for what, differs in (
            ("another handler", not (before is handler or before == handler)),
            ("inline now, not before" if inline else "not inline now, inline before",
             inline != (name in self._inline)),
            ("another input schema", schema != self._input_schemas.get(name)),
        ) if differs]
        if changed:
            raise ValueError(f"the action '{name}' has a handler already ({_described(before)}); this registration "
                             f"differs ({', '.join(changed)}): pass replace=True to replace it, or register it "
                             f"under another name")

    def input_schema(self, name: str) -> dict[str, Any] | None:
        """The JSON Schema the action's input must fit, if it was registered with one."""
        return self._input_schemas.get(name)

    def input_schemas(self) -> dict[str, dict[str, Any]]:
        """Every action registered with an input schema, and its schema."""
        return dict(self._input_schemas)

    def get(self, name: str) -> ActionHandler | None:
        return self._handlers.get(name)

    def is_inline(self, name: str) -> bool:
        """Whether the action was registered `inline` (see the class's doc)."""
        return name in self._inline

    @property
    def has_inline(self) -> bool:
        return bool(self._inline)

    def names(self) -> list[str]:
        return sorted(self._handlers)

    def __contains__(self, name: object) -> bool:
        return name in self._handlers


_ACTION_NAME: TypeAdapter[str] = TypeAdapter(ActionName)


def check_action_name(name: object) -> None:
    """`ValueError` unless `name` is one a task's `action` could write — checked with the definition model's own
    type, so the registry and the loader never disagree on what a name may be."""
    try:
        _ACTION_NAME.validate_python(name, strict=True)
    except ValidationError:
        raise ValueError(f"an action's name must be one a task's `action` can name: an identifier (letters, digits, "
                         f"'_' and '-', starting with a letter or '_', up to 128 characters) or identifiers joined "
                         f"by dots ('crm.contacts.search'); not {name!r}") from None


def _described(handler: ActionHandler) -> str:
    """A handler as a person finds it in their code: its module and qualified name, when it has them."""
    module = getattr(handler, "__module__", None)
    qualified = getattr(handler, "__qualname__", None) or type(handler).__qualname__
    return f"{module}.{qualified}" if module else str(qualified)


def _input_schema(name: str, schema: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """`schema` as a plain dict, checked to be a JSON Schema that compiles offline (`ValueError` naming the
    action otherwise); None when none was given."""
    if schema is None:
        return None
    if not isinstance(schema, Mapping):
        raise TypeError(f"the input schema of the action '{name}' must be a JSON Schema object (a dict), not "
                        f"{type(schema).__name__}")
    found = dict(schema)
    outside = next(outside_refs(found), None)
    if outside is not None:
        raise ValueError(f"the input schema of the action '{name}' refers outside itself ({outside[1]!r} at "
                         f"/{'/'.join(map(str, outside[0]))}): only references within it ('#/...') are read")
    try:
        compile_schema(found)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"the input schema of the action '{name}' is not a JSON Schema: {first}") from exc
    return found
