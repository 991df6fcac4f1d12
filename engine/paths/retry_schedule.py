"""How many attempts a task's retry rules allow at most, and the waits between them at their shortest and longest.

The one place the path analysis reads a task's `retry`, so a change of that field's shape changes this file."""

from __future__ import annotations

from dataclasses import dataclass

from engine.definition import RetryRule, TaskState, retry_rules

__all__ = ["RetrySchedule", "retry_schedule"]

_JITTER_LOW, _JITTER_HIGH = 0.5, 1.5  # engine.runtime.retries: each wait randomised by ±50% with jitter


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    attempts: int
    shortest_waits_s: float  # all the waits between attempts, each at its shortest
    longest_waits_s: float  # ... each at its longest


def _wait(rule: RetryRule, retry: int) -> float:
    """The wait before the rule's `retry`-th retry, before jitter (as engine.runtime.retries.retry_delay
    computes it)."""
    base = rule.initial_interval_s if rule.backoff == "fixed" \
        else rule.initial_interval_s * rule.multiplier ** (retry - 1)
    return min(base, rule.max_interval_s)


def retry_schedule(task: TaskState) -> RetrySchedule:
    """One attempt without retry rules. Each rule counts its own retries (`max_attempts - 1` of them), so at
    most the first attempt and every rule's retries, each rule's waits between them."""
    rules = retry_rules(task.retry)
    attempts = 1 + sum(rule.max_attempts - 1 for rule in rules)
    low = high = 0.0
    for rule in rules:
        waits = [_wait(rule, retry) for retry in range(1, rule.max_attempts)]
        if rule.jitter:  # each wait spread ±50%, and never past the rule's cap (as the runtime draws it)
            low += sum(wait * _JITTER_LOW for wait in waits)
            high += sum(min(wait * _JITTER_HIGH, rule.max_interval_s) for wait in waits)
        else:
            low += sum(waits)
            high += sum(waits)
    return RetrySchedule(attempts, low, high)
