"""ISO 8601 durations (`PT48H`, `P3D`), as the definition format writes timeouts and waits."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, TypeAdapter, ValidationError

__all__ = ["LONGEST", "IsoDuration", "parse_duration"]

_TIMEDELTA = TypeAdapter(timedelta)
LONGEST = timedelta(days=36_500)


def parse_duration(text: str) -> timedelta:
    """`PT48H` → 48 hours (`P1M` counts 30 days, `P1Y` 365). Raises ValueError for anything that is not a positive
    ISO 8601 duration of at most 100 years."""
    if not text.startswith("P"):
        raise ValueError(f"'{text}' is not an ISO 8601 duration such as PT30M, PT48H or P3D")
    try:
        value = _TIMEDELTA.validate_python(text)
    except ValidationError as exc:
        if any("too large" in error["msg"] for error in exc.errors()):  # ISO 8601, but past what a timedelta holds
            raise ValueError(_too_long(text)) from exc
        raise ValueError(f"'{text}' is not an ISO 8601 duration such as PT30M, PT48H or P3D") from exc
    except Exception as exc:
        raise ValueError(f"'{text}' is not an ISO 8601 duration such as PT30M, PT48H or P3D") from exc
    if value <= timedelta(0):
        raise ValueError(f"duration '{text}' must be longer than zero")
    if value > LONGEST:  # the engine could not even date the timer: 'year 275820 is out of range' at run time
        raise ValueError(_too_long(text))
    return value


def _too_long(text: str) -> str:
    return f"duration '{text}' is longer than 100 years (P36500D), the longest the engine times"


def _check(text: str) -> str:
    parse_duration(text)
    return text


IsoDuration = Annotated[str, AfterValidator(_check)]
