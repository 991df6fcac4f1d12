"""Points in time in query strings: RFC 3339 only (a bare number is not a time, whatever Python would make
of it), so that what the OpenAPI document promises is what the API accepts. The rule is the engine's
(`engine.definition.moments`): the document shows its pattern, and `parse_moment` applies it."""

from __future__ import annotations

import re

from litestar.exceptions import ValidationException
from litestar.params import ParameterKwarg, QueryParameter

from engine.definition.moments import RFC3339_PATTERN, parse_rfc3339
from engine.errors import InvalidInput

__all__ = ["moment_parameter", "parse_moment", "parse_window"]

# the offset ending a time that has the RFC 3339 form (the hours and minutes are two digits each, any value)
_OFFSET = re.compile(r"[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?([+-])(\d{2}):(\d{2})", re.ASCII)


def moment_parameter(description: str) -> ParameterKwarg:
    """A query parameter holding a time: the pattern and the `date-time` format, shown in the document but
    applied by `parse_moment`, whose refusal says what is wrong (no offset, say) where Litestar's would quote
    the regular expression."""
    return QueryParameter(schema_extra={"pattern": RFC3339_PATTERN, "format": "date-time"}, description=description)


def parse_moment(value: str | None, name: str) -> float | None:
    """Seconds since the epoch for the query parameter `name`'s RFC 3339 time; `None` passes through. When it
    is not one, a 400 problem whose `errors` name the parameter, as Litestar's own do."""
    if value is None:
        return None
    try:
        _check_offset(value)
        return parse_rfc3339(value)
    except ValueError as exc:
        raise ValidationException("Validation failed",
                                  extra=[{"message": str(exc), "key": name, "source": "query"}]) from exc


def _check_offset(value: str) -> None:
    """A ValueError in words for an offset past ±23:59 (`+25:00`), where Python's would quote its timedelta."""
    found = _OFFSET.search(value)
    if found is not None and (int(found[2]) > 23 or int(found[3]) > 59):
        raise ValueError(f"'{value}' has the UTC offset {found[1]}{found[2]}:{found[3]}, out of range: an offset is "
                         "at most 23:59 either side of UTC (-23:59 to +23:59)")


def parse_window(since: str | None, until: str | None) -> tuple[float | None, float | None]:
    """The query parameters `since` and `until` as seconds since the epoch (each `None` when absent): a 400 for
    either that is no RFC 3339 time, a 422 when both are given and `since` is not before `until` (each fits
    the document; together they do not, and the window they make is empty)."""
    start, end = parse_moment(since, "since"), parse_moment(until, "until")
    if start is not None and end is not None and start >= end:
        raise InvalidInput(f"'since' must be before 'until' (since={since}, until={until}: an empty window)")
    return start, end
