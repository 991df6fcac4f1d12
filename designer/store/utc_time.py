"""Times in the designer's own tables: aware UTC `datetime`s, in and out.

The engine keeps its times as epoch seconds (`engine.runtime.clock`); the designer's tables — accounts,
sessions, tokens, drafts, publication requests — keep `DateTime(timezone=True)` columns, and every value in
them is UTC. SQLite stores no zone and hands the value back naive; `UtcDateTime` makes it aware again on read
and refuses a naive value on write, so the stores never return, and never compare against, a time without
its zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

__all__ = ["UtcDateTime", "utc_now"]


def utc_now() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """`DateTime(timezone=True)` that takes and gives only aware datetimes, given back in UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a time without its zone cannot be stored: {value.isoformat()} (give it in UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any | None, dialect: sa.Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
