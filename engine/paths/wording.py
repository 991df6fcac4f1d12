"""Times and costs in words for the path report and its findings: `1 d 2 h`, `6 min 40 s`, `no limit`."""

from __future__ import annotations

__all__ = ["cost_words", "seconds_words"]

_UNITS = (("d", 86_400), ("h", 3_600), ("min", 60))


def seconds_words(seconds: float | None) -> str:
    """The two largest units: 93784 → '1 d 2 h'; under a minute to a tenth of a second; None → 'no limit'."""
    if seconds is None:
        return "no limit"
    if seconds < 60:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    parts = []
    rest = int(seconds + 0.5)  # half up, as the designer rounds
    for unit, size in _UNITS:
        if rest >= size:
            parts.append(f"{rest // size} {unit}")
            rest %= size
    if rest:
        parts.append(f"{rest} s")
    return " ".join(parts[:2])


def cost_words(amount: float | None) -> str:
    return "unknown" if amount is None else f"${amount:.4f}".rstrip("0").rstrip(".") if amount else "$0"
