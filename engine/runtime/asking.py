"""A task's "ask the user" recovery, decided purely: what a failure it asks about, the reply and the lack of one
each change and start (`engine.definition.ask_user`). The ask is kept in the context at `into` —
{asks, waiting, error, question, event, correlation_key, due_at, reply} — so the decision needs nothing else."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from engine.definition import AskUser
from engine.definition.durations import parse_duration
from engine.definition.expressions import ExpressionError
from engine.runtime.effects import ArmTimer, AwaitEvent, ClearWaits, Effect, RunAction
from engine.runtime.variables import evaluate_json, json_value

__all__ = ["ASK", "NO_REPLY", "REPLY", "ask_record", "asking", "no_reply_error", "replied", "with_reply"]

# History names of the ask's steps (parenthesised: no trigger can be spelt the same).
ASK = "(ask-user)"
REPLY = "(user-reply)"
NO_REPLY = "(no-reply)"

REPLY_CLEARS = ClearWaits(timers=True, event_waits=False, approvals=False, jobs=False, children=False)
NO_REPLY_CLEARS = ClearWaits(timers=False, event_waits=True, approvals=False, jobs=False, children=False)


def ask_record(context: Mapping[str, Any], into: str) -> dict[str, Any] | None:
    """The ask kept at the dotted path `into`, if any."""
    found: Any = context
    for key in into.split("."):
        if not isinstance(found, Mapping) or key not in found:
            return None
        found = found[key]
    return dict(found) if isinstance(found, Mapping) else None


def asking(ask: AskUser, record: dict[str, Any] | None, error: Any, *, scope: Callable[[], dict[str, Any]],
           instance_id: str, now: float) -> tuple[dict[str, Any], list[Effect]] | None:
    """The ask that a failure starts — the record to keep and the wait and timer to arm — or None when it does
    not ask: a kind it does not ask about, its asks spent, an error left unanswered before, a question or key
    that cannot be computed (the error then goes on as it came)."""
    failure = error if isinstance(error, dict) else {"kind": "error", "message": str(error)}
    asks = int((record or {}).get("asks") or 0)
    if failure.get("unanswered") or not ask.asks_about(str(failure.get("kind"))) or asks >= ask.max_asks:
        return None
    try:
        question = None if ask.question is None else evaluate_json(ask.question, {**scope(), "error": failure})
        key = instance_id if ask.correlation is None else evaluate_json(ask.correlation, scope())
    except ExpressionError:
        return None
    due = now + parse_duration(ask.timeout).total_seconds()
    kept = {"asks": asks + 1, "waiting": True, "error": json_value(failure), "question": question,
            "event": ask.event, "correlation_key": None if key is None else str(key), "due_at": due, "reply": None}
    return kept, [AwaitEvent(ask.event, kept["correlation_key"]), ArmTimer("timeout", due)]


def replied(record: dict[str, Any], reply: Any) -> dict[str, Any]:
    return {**record, "waiting": False, "reply": json_value(reply)}


def no_reply_error(record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record once the wait timed out, and the original error to go on with (marked, so it is not asked
    about again)."""
    error = dict(record.get("error") or {})
    return {**record, "waiting": False}, {**error, "unanswered": True, "asks": record.get("asks")}


def with_reply(effects: tuple[Effect, ...], state_id: str, into: str, reply: Any) -> tuple[Effect, ...]:
    """The retried action's input with the reply under the last key of `into` (unless its input sets that key)."""
    key = into.rsplit(".", 1)[-1]
    return tuple(replace(e, input={**e.input, key: json_value(reply)})
                 if isinstance(e, RunAction) and e.state == state_id and key not in e.input else e for e in effects)
