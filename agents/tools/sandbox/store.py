"""The sandbox's access to its tables: sessions on the engine's database, the engine's clock, ids, JSON views of
rows."""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session, SQLModel

from engine.runtime.clock import Clock, SystemClock, to_rfc3339

__all__ = ["Clock", "SandboxStore", "derived_id", "random_id", "refused", "rfc3339", "row_json", "unanswered"]

RowT = TypeVar("RowT", bound=SQLModel)


def derived_id(prefix: str, *parts: str) -> str:
    """A stable id from what makes a record unique (an idempotency key, an email): the same parts, the same id."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:10].upper()
    return f"{prefix}-{digest}"


def random_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


def rfc3339(seconds: float | None) -> str | None:
    """The engine's RFC 3339 text (`to_rfc3339`) to the whole second: what the sandbox's records and its tools'
    answers show (`2030-01-01T09:00:00Z`)."""
    return None if seconds is None else to_rfc3339(math.floor(seconds))


def unanswered(exc: Exception) -> str | None:
    """Why the sandbox's database did not answer a tool's call — a connection refused (too many clients) or
    dropped, a file locked past its busy timeout — or None for any other failure. The tool registry reports
    such a call as the tool's `unavailable`, which the shipped flows retry, like any integration that is down."""
    if not isinstance(exc, DBAPIError) or not (isinstance(exc, OperationalError) or exc.connection_invalidated):
        return None
    lines = str(exc.orig or exc).strip().splitlines()
    return f"the sandbox's database did not answer: {lines[0] if lines else type(exc).__name__}"


def refused(exc: Exception) -> str | None:
    """Why the sandbox's database refused a value a tool was given (a text or a number its column cannot hold), or
    None for any other failure: the tool registry reports it as the tool's `validation` — the caller's to correct
    (a model is told), never a driver's message with the statement and its parameters."""
    if not isinstance(exc, DataError):
        return None
    lines = str(exc.orig or exc).strip().splitlines()
    return f"the sandbox's database refused a value: {lines[0] if lines else type(exc).__name__}"


class SandboxStore:
    """Short transactions on the sandbox tables in the engine's database (created by its migrations)."""

    def __init__(self, database: sa.Engine, clock: Clock | None = None) -> None:
        self.database = database
        self.clock: Clock = clock or SystemClock()  # the engine's clock, so a test's ManualClock moves both

    def now(self) -> float:
        return self.clock.now()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        with Session(self.database, expire_on_commit=False) as session, session.begin():
            yield session

    def insert_once(self, row_type: type[RowT], key: Any, build: Callable[[], RowT]) -> tuple[RowT, bool]:
        """The row with primary key `key`, inserted from `build()` when missing: (row, created). Two writers
        racing on the same key both get the one row."""
        with self.session() as session:
            found = session.get(row_type, key)
            if found is not None:
                return found, False
        try:
            with self.session() as session:
                row = build()
                session.add(row)
        except IntegrityError:
            with self.session() as session:
                again = session.get(row_type, key)
            if again is None:
                raise
            return again, False
        return row, True


def row_json(row: SQLModel, *, times: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row as a JSON object; the named float timestamps as RFC 3339 text."""
    found = row.model_dump()
    for name in times:
        found[name] = rfc3339(found.get(name))
    return found

