"""How busy the machine's CPUs were while a measure ran (Linux `/proc/stat`), to show when a figure is bounded
by the cores rather than by the program."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["cpu_busy"]

_STAT = Path("/proc/stat")


def _ticks() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs since boot; None where /proc/stat is not there."""
    try:
        fields = [int(v) for v in _STAT.read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


@contextmanager
def cpu_busy(into: list[float] | None) -> Iterator[None]:
    """Append to `into` the share of all CPU time (0..1) that was busy while the block ran."""
    before = _ticks()
    yield
    after = _ticks()
    if into is not None and before is not None and after is not None and after[1] > before[1]:
        into.append((after[0] - before[0]) / (after[1] - before[1]))
