"""Side effects a case expects: rows its run wrote to the sandbox integrations (the meeting booked, the email
sent, the CRM record, the comment posted), checked after the run against the tables themselves.

    {"table": "calendar_events", "where": {"attendee_email": "john.doe@acme.com"}, "count": 1,
     "name": "discovery call booked"}

`table` names a sandbox table without its `sandbox_` prefix; `where` maps a column (or a dotted path into a
JSON column: `details.ticket_id`) to the value it must equal; `count` (default 1) is how many rows the case's
run wrote that match — inserted or updated at or after the case started, by the rows' own write times
(`created_at`, `updated_at`, `sent_at`, `recorded_at`) — so a duplicate shows as 2, and 0 asserts the run did
not do it. Rows earlier cases or runs wrote do not count.

The engine knows the sandbox tables only by name: they are read by reflection from the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import Field

from engine.definition.base import Identifier, Model
from engine.errors import InvalidInput
from engine.evaluation.document_paths import read_path

__all__ = ["SandboxTables", "SideEffect", "SideEffectCheck"]

TABLE_PREFIX = "sandbox_"
WRITE_TIMES = ("created_at", "updated_at", "sent_at", "recorded_at")


class SideEffect(Model):
    """One expected side effect of a case (its `expect_side_effects` entry)."""

    table: Identifier = Field(description="A sandbox table without its prefix: emails, calendar_events, contacts.")
    where: dict[str, Any] = Field(default_factory=dict, description="Column (or dotted JSON path) → value.")
    count: int = Field(1, ge=0, le=1000, description="How many matching rows the case's run wrote.")
    name: str | None = Field(None, max_length=200, description="What it is, for the report.")

    def describe(self) -> str:
        where = ", ".join(f"{k}={v!r}" for k, v in self.where.items())
        return f"{self.name or self.table} ({self.table}{f' where {where}' if where else ''})"


@dataclass(frozen=True, slots=True)
class SideEffectCheck:
    expected: SideEffect
    found: int

    @property
    def passed(self) -> bool:
        return self.found == self.expected.count

    def mismatch(self) -> str | None:
        if self.passed:
            return None
        return (f"side effect {self.expected.describe()}: expected {self.expected.count} row(s) written, "
                f"found {self.found}")

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.expected.table, "name": self.expected.name, "where": self.expected.where,
                "expected": self.expected.count, "found": self.found, "passed": self.passed}


class SandboxTables:
    """The sandbox tables of one database, reflected the first time a case names them."""

    def __init__(self, database: sa.Engine) -> None:
        self._database = database
        self._tables: dict[str, tuple[sa.Table, list[sa.Column[Any]]]] = {}

    def require(self, effects: Sequence[SideEffect]) -> None:
        """Refuse, before any case runs, a table the database lacks or one without a write time."""
        for effect in effects:
            self._table(effect.table)

    def _table(self, name: str) -> tuple[sa.Table, list[sa.Column[Any]]]:
        if name not in self._tables:
            full = TABLE_PREFIX + name
            if not sa.inspect(self._database).has_table(full):
                raise InvalidInput(f"a case expects a side effect in '{name}', but the database has no table "
                                   f"'{full}' (are the agents' handlers loaded?)")
            table = sa.Table(full, sa.MetaData(), autoload_with=self._database)
            stamps = [table.c[c] for c in WRITE_TIMES if c in table.c]
            if not stamps:
                raise InvalidInput(f"the sandbox table '{name}' records no write time: its rows cannot be told "
                                   f"apart by case")
            self._tables[name] = (table, stamps)
        return self._tables[name]

    def check(self, effect: SideEffect, since: float) -> SideEffectCheck:
        """How many rows of the effect's table match its `where` and were written at or after `since`."""
        table, stamps = self._table(effect.table)
        unknown = [k for k in effect.where if k.split(".")[0] not in table.c]
        if unknown:
            raise InvalidInput(f"a side effect in '{effect.table}' names columns it does not have: {unknown}")
        statement = sa.select(table).where(sa.or_(*(stamp >= since for stamp in stamps)))
        with self._database.connect() as connection:
            rows = [dict(r._mapping) for r in connection.execute(statement)]
        found = sum(all(read_path(row, k) == v for k, v in effect.where.items()) for row in rows)
        return SideEffectCheck(effect, found)
