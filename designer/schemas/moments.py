"""Points in time in query strings: RFC 3339 only (a bare number is not a time, whatever Python would make
of it), so that what the OpenAPI document promises is what the API accepts. The rule is the engine's
(`engine.definition.moments`): the document shows its pattern, and `parse_moment` applies it."""

from __future__ import annotations

from litestar.exceptions import ValidationException
from litestar.params import ParameterKwarg, QueryParameter

from engine.definition.moments import RFC3339_PATTERN, parse_rfc3339

__all__ = ["moment_parameter", "parse_moment"]


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
        return parse_rfc3339(value)
    except ValueError as exc:
        raise ValidationException("Validation failed",
                                  extra=[{"message": str(exc), "key": name, "source": "query"}]) from exc
