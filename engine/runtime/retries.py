"""Task retries: which failures are tried again, and how long to wait (exponential backoff with jitter)."""

from __future__ import annotations

import random
from typing import Any

from engine.definition import Retry

__all__ = ["MAX_RETRY_AFTER_S", "retry_delay", "should_retry"]

# the longest a failing service's Retry-After may delay a retry (a day: beyond that it is an outage, not a limit)
MAX_RETRY_AFTER_S = 86_400.0


def should_retry(retry: Retry | None, attempt: int, kind: str, retryable: bool) -> bool:
    """Only with a retry policy, below its maximum attempts, for a retryable error of a named kind
    (any kind when `retry_on` is empty)."""
    if retry is None or not retryable or attempt >= retry.max_attempts:
        return False
    return not retry.retry_on or kind in retry.retry_on


def retry_delay(retry: Retry, attempt: int, rng: random.Random | Any) -> float:
    """Seconds before attempt `attempt + 1`: initial * multiplier^(attempt-1) (or fixed), capped, then
    randomised by ±50% when `jitter` is on."""
    if retry.backoff == "fixed":
        base = retry.initial_interval_s
    else:
        base = retry.initial_interval_s * retry.multiplier ** (attempt - 1)
    base = min(base, retry.max_interval_s)
    return base * rng.uniform(0.5, 1.5) if retry.jitter else base
