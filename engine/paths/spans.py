"""A span: the least and the most of something (seconds, or money), the most possibly without limit."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ZERO", "Span"]


@dataclass(frozen=True, slots=True)
class Span:
    best: float
    worst: float | None  # None: no limit is declared

    def __add__(self, other: Span) -> Span:
        worst = None if self.worst is None or other.worst is None else self.worst + other.worst
        return Span(self.best + other.best, worst)

    def exceeds(self, limit: float) -> bool:
        return self.worst is None or self.worst > limit


ZERO = Span(0.0, 0.0)
