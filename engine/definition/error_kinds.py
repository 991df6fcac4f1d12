"""Error kinds: the names a task's failures carry, which retry rules and `error` transitions select by.

The engine itself produces the kinds in `ENGINE_ERROR_KINDS` — a task's failures, and those an instance that
fails outright carries in its error; handlers raise `ActionError(kind, ...)` with kinds of their own, and the
shipped agents use those in `HANDLER_ERROR_KINDS`. A definition may name any kind (a host application's handlers
may have more, which a workflow declares in its `error_kinds`); validation warns about a kind outside both lists
and the workflow's own, which is most often a typo."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

__all__ = [
    "ANY_ERROR", "ENGINE_ERROR_KINDS", "ERROR_KIND_PATTERN", "HANDLER_ERROR_KINDS", "KNOWN_ERROR_KINDS",
    "DeclaredErrorKind", "ErrorKind",
]

ANY_ERROR: Literal["*"] = "*"

ERROR_KIND_PATTERN = r"^(\*|[A-Za-z_][A-Za-z0-9_\-.]*)$"

ErrorKind = Annotated[
    str,
    Field(pattern=ERROR_KIND_PATTERN, max_length=128,
          description="An error kind, e.g. 'timeout' or 'rate_limited'; '*' is every kind."),
]

# A kind a workflow declares its own handlers raise: a name, never '*' (which is no kind a handler raises).
DeclaredErrorKind = Annotated[
    str,
    Field(pattern=r"^[A-Za-z_][A-Za-z0-9_\-.]*$", max_length=128,
          description="An error kind the workflow's own handlers raise, e.g. 'card_declined'."),
]

ENGINE_ERROR_KINDS: dict[str, str] = {
    "error": "the handler raised an exception that is not an ActionError",
    "timeout": "the attempt ran past the task's `timeout_s` (also raised by handlers whose service timed out)",
    "unknown_action": "no handler is registered for the action (not retried)",
    "output": "the handler returned a value that is not JSON or cannot be stored as JSON, or reported a cost that "
              "cannot be recorded (not retried)",
    "budget_exceeded": "the action cost more than its agent's budget limit, or the tenant's remaining budget "
    "cannot cover that limit (not retried)",
    "approval_rejected": "the approval the agent's policy requires was rejected",
    "input": "the task's `input` mapping failed to evaluate on entry (or a map's `input`, for one of its items)",
    "lost": "the worker running the attempt died or stalled, and its lease lapsed, on the last attempt allowed",
    "subflow": "the subflow's child instance ended without success (on a subflow state)",
    "join": "a parallel state's join can no longer be met (on a parallel state)",
    "map_failed": "more of a map's items failed than it tolerates (on a map state; `failed` lists them)",
    "map_items": "a map's `items` is not a list, or failed to evaluate (on a map state)",
    "map_too_large": "a map's `items` holds more than 1,000 items (on a map state)",
    "context_too_large": "a step would leave the context larger than 1 MiB as JSON (an output, an `assign`, a map's "
    "results); nothing of it is kept (not retried)",
    "output_path": "the task's output cannot be written at its `output` path, which runs through a value that is not "
    "an object (not retried)",
    "assign": "an `assign` of the transition a task's `done` takes failed: an expression did not evaluate, a path "
    "runs through a value that is not an object, or a value breaks the context schema (not retried)",
    # The instance itself fails with these: no retry rule or `error` transition ever sees them.
    "unhandled": "no transition takes an event the engine itself fired (a task's `done` whose guards all failed, an "
    "error no `error` transition catches); the instance fails in its state",
    "no_match": "no transition of a choice state held and it has no default",
    "result": "a final state's `result` failed to evaluate",
    "policy_denied": "a policy denied entering a state (or requires an approval but names no approvers)",
    "policy_rejected": "the approval a policy requires was rejected",
    "loop": "more than 200 automatic transitions were taken in a row",
    "too_deep": "a subflow would run instances nested too deep (a flow that starts itself); on the child instance",
    "not_deployed": "a subflow's workflow (or its version) is not deployed; on the child instance",
    "invalid_input": "a subflow's input does not fit its workflow's context schema; on the child instance",
}

HANDLER_ERROR_KINDS: dict[str, str] = {
    "rate_limited": "the service asked to slow down (HTTP 429); transient",
    "unavailable": "the service could not be reached or answered 5xx; transient",
    "tool_error": "a tool the agent called failed; transient",
    "validation": "the input or a model's answer is not what was asked for; retrying cannot help",
    "not_found": "what the action looks for does not exist; retrying cannot help",
    "policy_violation": "the action would break an agent policy; retrying cannot help",
    "tool_not_allowed": "the agent called a tool it may not use",
    "misconfigured": "the handler's configuration is missing or wrong",
    "no_availability": "no free slot was found (calendar booking)",
    "llm_config": "no agent is configured to perform the action (LLM executor)",
    "llm_malformed": "the model's reply is not valid JSON or not the output asked for",
    "llm_http": "the model endpoint refused the request (4xx other than 429)",
    "llm_tool": "the model made more rounds of tool calls than allowed",
}

KNOWN_ERROR_KINDS = frozenset(ENGINE_ERROR_KINDS) | frozenset(HANDLER_ERROR_KINDS)
