"""How many attempts a task's retry policy allows, and the waits between them at their shortest and longest.

The one place the path analysis reads a task's `retry`, so a change of that field's shape changes this file."""

from __future__ import annotations

from dataclasses import dataclass

from engine.definition import Retry, TaskState

__all__ = ["RetrySchedule", "retry_schedule"]

_JITTER_LOW, _JITTER_HIGH = 0.5, 1.5  # engine.runtime.retries: each wait randomised by ±50% with jitter


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    attempts: int
    shortest_waits_s: float  # all the waits between attempts, each at its shortest
    longest_waits_s: float  # ... each at its longest


def _wait(retry: Retry, attempt: int) -> float:
    """The wait after attempt `attempt` before jitter (as engine.runtime.retries.retry_delay computes it)."""
    base = retry.initial_interval_s if retry.backoff == "fixed" \
        else retry.initial_interval_s * retry.multiplier ** (attempt - 1)
    return min(base, retry.max_interval_s)


def retry_schedule(task: TaskState) -> RetrySchedule:
    """One attempt without a policy; else `max_attempts` with a backoff wait between each two."""
    retry = task.retry
    if retry is None:
        return RetrySchedule(1, 0.0, 0.0)
    waits = sum(_wait(retry, attempt) for attempt in range(1, retry.max_attempts))
    low, high = (_JITTER_LOW, _JITTER_HIGH) if retry.jitter else (1.0, 1.0)
    return RetrySchedule(retry.max_attempts, waits * low, waits * high)
