"""Task retries: which failures are tried again, by which of the task's retry rules, and how long to wait
(exponential backoff with jitter).

A task's rules travel with its action job as JSON (a list of rules; a job enqueued before rules existed carries
the single-policy object). Each rule counts its own retries, carried from attempt to attempt in the job's
`last_error` under `retries` (one count per rule), as Step Functions' retriers do.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.definition import Retry, RetryRule

__all__ = ["MAX_RETRY_AFTER_S", "RetryPlan", "matching_rule", "parse_rules", "plan_retry", "retry_delay",
           "rule_counts", "will_retry"]

# the longest a failing service's Retry-After may delay a retry (a day: beyond that it is an outage, not a limit)
MAX_RETRY_AFTER_S = 86_400.0


@dataclass(frozen=True, slots=True)
class RetryPlan:
    """Try again: by rule `rule`, after `delay_s`; `retries` are every rule's retry counts including this one."""

    rule: int
    delay_s: float
    retries: tuple[int, ...]


def parse_rules(stored: Any) -> tuple[RetryRule, ...]:
    """The rules a job carries: a list of rules, the single-policy object, or nothing. (Parsed once per
    distinct text: every job of a task carries the same rules, and the rules are frozen values.)"""
    if not stored:
        return ()
    kept = _SAME.get(id(stored))  # the very list the writer put in the payload (a worker's inline tasks)
    if kept is not None and kept[0] is stored:
        return kept[1]
    key = repr(stored)
    found = _PARSED.get(key)
    if found is None:
        if isinstance(stored, dict):
            found = Retry.model_validate(stored).rules()
        else:
            found = tuple(RetryRule.model_validate(rule) for rule in stored)
        if len(_PARSED) >= 1024:
            _PARSED.clear()
        _PARSED[key] = found
    if len(_SAME) >= 1024:
        _SAME.clear()
    _SAME[id(stored)] = (stored, found)  # the entry keeps `stored` alive: its id is not reused meanwhile
    return found


_PARSED: dict[str, tuple[RetryRule, ...]] = {}
_SAME: dict[int, tuple[Any, tuple[RetryRule, ...]]] = {}  # by the stored value's identity: no repr to build


def matching_rule(rules: Sequence[RetryRule], kind: str) -> int | None:
    """The index of the first rule that applies to `kind`."""
    return next((i for i, rule in enumerate(rules) if rule.matches(kind)), None)


def rule_counts(last_error: Any, size: int, attempt: int) -> list[int]:
    """Each rule's retries so far; a job retried before rules counted their own has one rule, whose retries
    are the attempts made but the first."""
    found = last_error.get("retries") if isinstance(last_error, dict) else None
    if isinstance(found, list) and len(found) == size and all(isinstance(n, int) for n in found):
        return list(found)
    return [attempt - 1] if size == 1 else [0] * size


def plan_retry(rules: Sequence[RetryRule], kind: str, retryable: bool, *, attempt: int, last_error: Any,
               rng: random.Random | Any) -> RetryPlan | None:
    """Whether a failure of `kind` is tried again: only a retryable one, by the first rule naming its kind,
    while that rule has made fewer than `max_attempts - 1` retries. `attempt`: the attempt that failed (1 for
    the first); `last_error`: the job's error from the attempt before, which carries the rules' counts."""
    index = matching_rule(rules, kind) if retryable else None
    if index is None:
        return None
    counts = rule_counts(last_error, len(rules), attempt)
    rule = rules[index]
    if counts[index] + 1 >= rule.max_attempts:
        return None
    counts[index] += 1
    return RetryPlan(index, retry_delay(rule, counts[index], rng), tuple(counts))


def will_retry(rules: Sequence[RetryRule], kind: str, *, attempt: int, last_error: Any) -> bool:
    """Whether a retryable failure of `kind` after attempt `attempt` would be tried again (`plan_retry`'s
    answer, without the delay)."""
    index = matching_rule(rules, kind)
    counts = rule_counts(last_error, len(rules), attempt) if index is not None else []
    return index is not None and counts[index] + 1 < rules[index].max_attempts


def retry_delay(rule: RetryRule | Retry, retry: int, rng: random.Random | Any) -> float:
    """Seconds before the rule's `retry`-th retry (1 for the first): initial * multiplier^(retry-1) (or fixed),
    capped, randomised by ±50% when `jitter` is on — and capped again: `max_interval_s` is the longest wait there
    is (ASL's `MaxDelaySeconds`, imported onto it, is a hard cap), so a wait at the cap is only ever shortened."""
    if rule.backoff == "fixed":
        base = rule.initial_interval_s
    else:
        base = rule.initial_interval_s * rule.multiplier ** (retry - 1)
    base = min(base, rule.max_interval_s)
    return min(base * rng.uniform(0.5, 1.5), rule.max_interval_s) if rule.jitter else base
