"""ASL error handling: `ErrorEquals` lists as error kinds, `Retry` as retry rules and `Catch` as `error`
transitions. Each retrier and catcher is read by itself, so every one that cannot be imported is named."""

from __future__ import annotations

import json
import math
from typing import Any

from engine.definition.states import RetryRule
from engine.interop.asl_machine import Machine, Where
from engine.interop.asl_state_io import result_key
from engine.interop.asl_values import cel_literal

__all__ = ["catches", "retry"]

_ERRORS = {"States.Timeout": "timeout", "States.HeartbeatTimeout": "timeout"}


def _kinds(m: Machine, name: str, names: Any, at: Where) -> tuple[bool, bool, list[str]]:
    """(every error, every error but timeouts, the kinds named) of an ErrorEquals list; each name the engine
    never raises is refused at itself."""
    if not isinstance(names, list) or not names:
        m.refuse(name, "ErrorEquals", "a non-empty list of error names is required", *at)
        return False, False, []
    every = "States.ALL" in names
    failed = "States.TaskFailed" in names
    kinds = []
    for i, error in enumerate(names):
        if not isinstance(error, str):
            m.refuse(name, "ErrorEquals", f"an error name is a string, not {json.dumps(error)}", *at, i)
        elif error in _ERRORS:
            kinds.append(_ERRORS[error])
        elif error.startswith("States.") and error not in ("States.ALL", "States.TaskFailed"):
            m.refuse(name, f"ErrorEquals {error}", "the engine raises no such error", *at, i)
        elif not error.startswith("States."):
            kinds.append(error)
    return every or (failed and "timeout" in kinds), failed, kinds


def _error_guard(failed: bool, kinds: list[str]) -> str:
    if failed:
        return "event.kind != 'timeout'"
    if len(kinds) == 1:
        return f"event.kind == {cel_literal(kinds[0])}"
    return f"event.kind in {cel_literal(kinds)}"


_DEFAULT_MAX_INTERVAL_S = RetryRule.model_fields["max_interval_s"].default
_LONGEST_INTERVAL_S = 86_400 * 7  # the most `max_interval_s` may be
_RETRIER_KEYS = ("IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy")


def _limits_refused(m: Machine, name: str, i: int, attempts: int, rate: float) -> bool:
    if attempts > 100:
        m.refuse(name, "Retry MaxAttempts", "at most 99 retries are supported", "Retry", i, "MaxAttempts")
    if rate > 10:
        m.refuse(name, "Retry BackoffRate", "a BackoffRate of at most 10 is supported", "Retry", i, "BackoffRate")
    return attempts > 100 or rate > 10


_NUMBER_DEFAULTS = {"MaxAttempts": 3.0, "BackoffRate": 2.0, "IntervalSeconds": 1.0}


def _numbers(m: Machine, name: str, i: int, retrier: dict[str, Any]) -> dict[str, float] | None:
    """The retrier's numbers (MaxAttempts, BackoffRate, IntervalSeconds, and MaxDelaySeconds when given); None
    when one is not a number, each such one refused."""
    found = dict(_NUMBER_DEFAULTS)
    refused = False
    for key in ("MaxAttempts", "BackoffRate", "IntervalSeconds", "MaxDelaySeconds"):
        if key not in retrier:
            continue
        try:
            found[key] = float(retrier[key])
        except (TypeError, ValueError):
            found[key] = math.nan
        if not math.isfinite(found[key]):
            m.refuse(name, f"Retry {key}", f"a number is required, not {json.dumps(retrier[key])}", "Retry", i, key)
            refused = True
    return None if refused else found


def _rule(m: Machine, name: str, i: int, retrier: dict[str, Any]) -> dict[str, Any] | None:
    """One retrier as a retry rule (its `errors` empty when it takes every kind); None when refused."""
    refused = len(m.shared.findings)
    for unknown in sorted(set(retrier) - {*_RETRIER_KEYS, "ErrorEquals", "Comment"}):
        m.refuse(name, f"Retry field {unknown}", "no Statewright counterpart", "Retry", i, unknown)
    every, failed, named = _kinds(m, name, retrier.get("ErrorEquals"), ("Retry", i, "ErrorEquals"))
    if failed and not every:
        m.warn(name, "Retry on States.TaskFailed", "retried on every error kind, timeouts included", "Retry", i)
    numbers = _numbers(m, name, i, retrier)
    if numbers is None:
        return None
    attempts, rate = int(numbers["MaxAttempts"]) + 1, numbers["BackoffRate"]
    if _limits_refused(m, name, i, attempts, rate) or any(f.severity == "error" for f in m.shared.findings[refused:]):
        return None
    rule: dict[str, Any] = {"errors": [] if every or failed else sorted(set(named)), "max_attempts": attempts,
                            "backoff": "exponential" if rate > 1 else "fixed",
                            "initial_interval_s": numbers["IntervalSeconds"],
                            "multiplier": max(rate, 1.0), "jitter": retrier.get("JitterStrategy", "NONE") == "FULL"}
    if "MaxDelaySeconds" in retrier:
        rule["max_interval_s"] = numbers["MaxDelaySeconds"]
    else:  # ASL waits without a limit: the engine's default one (300 s) must not shorten a wait
        longest = rule["initial_interval_s"] * (rule["multiplier"] ** (attempts - 2) if attempts > 2 else 1.0)
        if longest > _DEFAULT_MAX_INTERVAL_S:
            rule["max_interval_s"] = min(longest, _LONGEST_INTERVAL_S)
        if longest > _LONGEST_INTERVAL_S:
            m.warn(name, "Retry without MaxDelaySeconds",
                   f"its longest wait ({longest:,.0f} s) is cut to the {_LONGEST_INTERVAL_S:,.0f} s (7 days) a retry "
                   "may wait", "Retry", i)
    return rule


def retry(m: Machine, name: str, retriers: Any) -> dict[str, Any] | list[dict[str, Any]] | None:
    """Retriers with the same settings become one policy (`retry_on` their kinds together); retriers that
    differ become retry rules, in order. None when there is none, or one is refused."""
    if not isinstance(retriers, list):
        m.refuse(name, "Retry", "a list of retriers is required", "Retry")
        return None
    active = [(i, r) for i, r in enumerate(retriers) if isinstance(r, dict) and r.get("MaxAttempts", 3) != 0]
    if not active:
        return None
    read = [_rule(m, name, i, retrier) for i, retrier in active]
    rules = [rule for rule in read if rule is not None]
    if len(rules) < len(read):
        return None
    first = active[0][1]
    if any(any(r.get(k) != first.get(k) for k in _RETRIER_KEYS) for _, r in active):
        return rules
    every = any(not rule["errors"] for rule in rules)
    kinds = sorted({kind for rule in rules for kind in rule["errors"]})
    policy = {key: value for key, value in rules[0].items() if key != "errors"}
    return {**policy, "retry_on": [] if every else kinds}


_CATCHER_KEYS = {"ErrorEquals", "Next", "ResultPath", "Comment"}


def _catcher_assign(m: Machine, name: str, sid: str, i: int, catcher: dict[str, Any]) -> dict[str, str]:
    """Where the catcher stores the error: `ResultPath: "$.k"` → `{k: event}`."""
    if "ResultPath" not in catcher or catcher["ResultPath"] == "$":
        m.warn(name, "Catch ResultPath '$'", "ASL replaces the data with the error; Statewright keeps the context "
               "and does not store the error (give ResultPath '$.failure' to keep it)", "Catch", i)
        return {}
    if catcher["ResultPath"] is None:
        return {}
    key = result_key(m, name, catcher, sid, "error")
    return {key: "event"} if key is not None else {}


def catches(m: Machine, name: str, sid: str, state: dict[str, Any], also_timeout_from: str | None = None) -> None:
    """`Catch` → `error` transitions (guarded by kind, in order); an uncaught error fails the machine."""
    catchers = state.get("Catch", [])
    if not isinstance(catchers, list):
        m.refuse(name, "Catch", "a list of catchers is required", "Catch")
        catchers = []
    caught_all = False
    timeout_dest: str | None = None
    count = len(catchers) + 1
    for i, catcher in enumerate(catchers):
        if not isinstance(catcher, dict):
            m.refuse(name, "Catch", "a catcher is an object with ErrorEquals, Next and ResultPath", "Catch", i)
            continue
        for unknown in sorted(set(catcher) - _CATCHER_KEYS):
            m.refuse(name, f"Catch field {unknown}", "a catcher has ErrorEquals, Next and ResultPath only", "Catch", i,
                     unknown)
        every, failed, kinds = _kinds(m, name, catcher.get("ErrorEquals"), ("Catch", i, "ErrorEquals"))
        if "Next" not in catcher:
            m.refuse(name, "Catch", "a catcher needs Next", "Catch", i)
            continue
        dest = m.target(name, catcher, "Next", "Catch", i)
        assign = _catcher_assign(m, name, sid, i, catcher)
        guard = None if every else _error_guard(failed, kinds)
        m.edge(sid, dest, "error", guard=guard, priority=count - i, assign=assign)
        if timeout_dest is None and (every or (failed is False and "timeout" in kinds)):
            timeout_dest = dest
        caught_all = caught_all or every
    if not caught_all:
        m.edge(sid, m.final("failure"), "error", priority=0)
    if also_timeout_from is not None:
        m.edge(also_timeout_from, timeout_dest or m.final("failure"), "timeout")
