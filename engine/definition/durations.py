"""ISO 8601 durations (`PT48H`, `P3D`), as the definition format writes timeouts and waits."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, TypeAdapter

__all__ = ["IsoDuration", "parse_duration"]

_TIMEDELTA = TypeAdapter(timedelta)


def parse_duration(text: str) -> timedelta:
    """`PT48H` → 48 hours. Raises ValueError for anything that is not a positive ISO 8601 duration."""
    if not text.startswith("P"):
        raise ValueError(f"'{text}' is not an ISO 8601 duration such as PT30M, PT48H or P3D")
    try:
        value = _TIMEDELTA.validate_python(text)
    except Exception as exc:
        raise ValueError(f"'{text}' is not an ISO 8601 duration such as PT30M, PT48H or P3D") from exc
    if value <= timedelta(0):
        raise ValueError(f"duration '{text}' must be longer than zero")
    return value


def _check(text: str) -> str:
    parse_duration(text)
    return text


IsoDuration = Annotated[str, AfterValidator(_check)]
