"""Waking a worker on time with APScheduler 3 (BackgroundScheduler). The database stays the source of truth
for timers and jobs; the scheduler only ends the worker's sleep when the next one falls due."""

from __future__ import annotations

import threading
from datetime import UTC
from types import TracebackType

from apscheduler.schedulers.background import BackgroundScheduler

from engine.runtime.clock import to_datetime

__all__ = ["WakeScheduler"]

_JOB_ID = "statewright-wake"


class WakeScheduler:
    def __init__(self) -> None:
        self._scheduler = BackgroundScheduler(timezone=UTC)
        self._wake = threading.Event()

    def __enter__(self) -> WakeScheduler:
        self._scheduler.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._scheduler.shutdown(wait=False)

    def wake_at(self, moment: float | None) -> None:
        """Ring at `moment` (seconds since the epoch); None forgets any earlier alarm."""
        if moment is None:
            if self._scheduler.get_job(_JOB_ID) is not None:
                self._scheduler.remove_job(_JOB_ID)
            return
        self._scheduler.add_job(self._wake.set, "date", run_date=to_datetime(moment), id=_JOB_ID,
                                replace_existing=True, misfire_grace_time=None)

    def wait(self, timeout: float, stop: threading.Event) -> None:
        """Sleep until the alarm rings, `stop` is set, or `timeout` passes."""
        step = min(timeout, 0.25)
        waited = 0.0
        while waited < timeout and not stop.is_set():
            if self._wake.wait(step):
                break
            waited += step
        self._wake.clear()

    def ring(self) -> None:
        self._wake.set()
