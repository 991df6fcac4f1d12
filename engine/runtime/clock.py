"""Time, injected: the engine asks a clock, so tests can jump over PT48H instead of sleeping through it."""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Protocol

__all__ = ["Clock", "ManualClock", "SystemClock", "to_datetime", "to_rfc3339"]


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch, UTC."""
        ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class ManualClock:
    """A clock that moves only when told to; `sleep` advances it instead of waiting."""

    def __init__(self, start: float | datetime = datetime(2030, 1, 1, tzinfo=UTC)) -> None:
        self._now = start.timestamp() if isinstance(start, datetime) else float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, by: float | timedelta) -> float:
        seconds = by.total_seconds() if isinstance(by, timedelta) else float(by)
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, moment: float | datetime) -> None:
        target = moment.timestamp() if isinstance(moment, datetime) else float(moment)
        with self._lock:
            if target < self._now:
                raise ValueError("a clock does not go backwards")
            self._now = target

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)


def to_datetime(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def to_rfc3339(seconds: float) -> str:
    """The one way the engine writes a time as text: UTC with `Z`, microseconds only when there are some
    (`2030-01-01T09:00:00Z`). `engine.definition.moments.parse_rfc3339` reads it back.

    Each step writes its own time, so few are written twice: the text of the whole second is made once (by
    `datetime`, as before) and the microseconds added to it, rounded as `datetime.fromtimestamp` rounds them
    (half to even, carried into the second) — a third of the cost of building a `datetime` per call."""
    if not 0.0 <= seconds < _FAST_BELOW:  # before 1970, or far off (or NaN): as `datetime` says it
        return _as_datetime_says(seconds)
    fraction, whole = math.modf(seconds)
    micro = round(fraction * 1e6)
    if micro >= 1_000_000:
        micro -= 1_000_000
        whole += 1.0
    head = _whole_second(int(whole))
    return f"{head}.{micro:06d}Z" if micro else f"{head}Z"


_FAST_BELOW = 253_402_300_800.0  # 10000-01-01: `datetime` refuses the years after 9999


@lru_cache(maxsize=64)
def _whole_second(seconds: int) -> str:
    """`2030-01-01T09:00:00`, without its zone."""
    return to_datetime(seconds).isoformat(timespec="seconds").removesuffix("+00:00")


@lru_cache(maxsize=256)
def _as_datetime_says(seconds: float) -> str:
    moment = to_datetime(seconds)
    text = moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z")
