"""Points in time in query strings: RFC 3339 only (a bare number is not a time, whatever Python would make
of it), so that what the OpenAPI document promises is what the API accepts."""

from __future__ import annotations

from datetime import datetime

from litestar.exceptions import ValidationException
from litestar.params import ParameterKwarg, QueryParameter

__all__ = ["RFC3339_PATTERN", "moment_parameter", "parse_moment"]

RFC3339_PATTERN = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"


def moment_parameter(description: str) -> ParameterKwarg:
    """A query parameter holding a time: the pattern, and the `date-time` format for what it cannot say (that
    the date exists: no 13th month)."""
    return QueryParameter(pattern=RFC3339_PATTERN, schema_extra={"format": "date-time"}, description=description)


def parse_moment(value: str | None, name: str) -> float | None:
    """Seconds since the epoch for an RFC 3339 time (seconds and offset included); `None` passes through."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError as exc:
        raise ValidationException(f"'{name}' is not a valid RFC 3339 time: {value!r}") from exc
    return moment.timestamp()
