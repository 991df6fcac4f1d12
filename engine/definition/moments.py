"""Points in time as text: the one reading of RFC 3339 in the project's code (CEL's `timestamp()` keeps its own,
inside the CEL library; the ASL importer's `IsTimestamp` keeps the States Language's stricter one).

A wait's deadline, the API's `since`/`until` and the sandbox calendar's `starts_at` are all read here, so
each accepts the same texts and refuses the same ones with the same words. The writing side is
`engine.runtime.clock.to_rfc3339`, whose output this reads back exactly. (This module sits beside
`durations.py` rather than in the runtime because validation, which may not import the runtime, reads a
deadline written as a literal too.)

The rule:
- a date, `T`, a time to the second, an optional fraction (up to nine digits; past microseconds they are
  dropped), and an offset: `2030-01-01T09:00:00Z`, `2030-01-01T11:00:00.25+02:00`;
- `t` and `z` may be lower case (RFC 3339 allows it);
- a time without an offset is refused: it names no instant, and guessing the server's zone would move a
  deadline by hours;
- so are ISO 8601's other forms Python would take (`20300101T090000Z`, a space for `T`, a date alone, an hour
  without minutes), and a leap second (`23:59:60`), which Python's datetime cannot hold.
"""

from __future__ import annotations

import re
from datetime import datetime

__all__ = ["RFC3339_PATTERN", "parse_rfc3339"]

# What the OpenAPI document shows clients too (as ECMAScript, where `\d` is an ASCII digit; re.ASCII makes it one
# here, where it would match other scripts' digits)
RFC3339_PATTERN = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"

_RFC3339 = re.compile(RFC3339_PATTERN, re.ASCII)
_WITHOUT_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?", re.ASCII)


def parse_rfc3339(text: str) -> float:
    """Seconds since the epoch for an RFC 3339 time. Raises ValueError saying what is wrong with `text`:
    no offset, not RFC 3339 at all, or a date or time that does not exist (a 13th month, hour 24)."""
    if _RFC3339.fullmatch(text) is None:  # fullmatch: `$` alone would let a trailing newline by
        if _WITHOUT_OFFSET.fullmatch(text) is not None:
            raise ValueError(f"'{text}' has no UTC offset: end it with Z (UTC) or an offset such as +02:00")
        raise ValueError(f"'{text}' is not an RFC 3339 time such as 2030-01-01T09:00:00Z")
    try:  # Python reads the matched text once `z` is upper case (it takes any letter for `T`)
        moment = datetime.fromisoformat(text[:-1] + "Z" if text[-1] == "z" else text)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a time that exists: {exc}") from exc
    return moment.timestamp()
