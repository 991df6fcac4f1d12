"""A read-only transaction on the designer's pool: on SQLite a plain (deferred) BEGIN that never blocks the
engine's writers, instead of the BEGIN IMMEDIATE every other transaction takes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from storage.database import READ_ONLY

__all__ = ["reading"]


@contextmanager
def reading(database: sa.Engine) -> Iterator[sa.Connection]:
    with database.connect() as connection:
        connection.info[READ_ONLY] = True
        try:
            with connection.begin():
                yield connection
        finally:
            connection.info[READ_ONLY] = False
