"""A worker's memory limit (`statewright worker --max-memory-mb`): a handler that leaks (a cache that only grows,
a client kept per call) grows its worker until the kernel kills it mid-batch, every action it ran then lost and
run again. With a limit, the worker looks at its resident memory every few seconds; past the limit it stops
taking work, lets the actions it runs finish and commit, and exits with `ExitCode.RESTART`, for its process
manager to start a fresh one (as Celery's `--max-memory-per-child` replaces a child)."""

from __future__ import annotations

import os
import resource
import sys
import threading
from collections.abc import Callable
from pathlib import Path

__all__ = ["LOOK_EVERY_S", "MemoryLimit", "resident_mib"]

LOOK_EVERY_S = 2.0
_STATM = Path("/proc/self/statm")


def resident_mib() -> float:
    """This process's resident memory now, in MiB (Linux); elsewhere its peak so far, which only grows."""
    try:
        pages = int(_STATM.read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # bytes on macOS, KiB on Linux and the BSDs
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024


class MemoryLimit:
    """Looks at the process's resident memory every `every_s` on a thread of its own; the first time it is over
    `limit_mib`, records how much (`over`), calls `reached` with it and sets `stop`."""

    def __init__(self, limit_mib: float, stop: threading.Event, reached: Callable[[float], None], *,
                 every_s: float = LOOK_EVERY_S) -> None:
        self.limit_mib = limit_mib
        self.over: float | None = None
        self._stop = stop
        self._reached = reached
        self._every_s = every_s
        self._thread = threading.Thread(target=self._watch, name="statewright-memory-limit", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(self._every_s):
            used = resident_mib()
            if used > self.limit_mib:
                self.over = used
                self._reached(used)
                self._stop.set()
                return
