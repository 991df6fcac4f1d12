"""ORM sessions for the tables the layers above the engine own (the designer's accounts and drafts): one that only
reads, and a write that is skipped rather than waited for.

On SQLite every other transaction begins with `BEGIN IMMEDIATE` and so waits, up to the busy timeout, while
another process holds the write lock. `read_session` reads in a deferred transaction instead, which in WAL mode
waits for no writer: what a request only reads (signing it in, a listing) answers while a worker or the CLI writes.
`writing_if_free` gives None at once while the writer is busy, for a write nobody waits on (when an API token was
last used). On PostgreSQL both are transactions as any other."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlmodel import Session

from storage.database import reading, writing_if_free

__all__ = ["read_session", "writing_if_free"]


@contextmanager
def read_session(database: sa.Engine) -> Iterator[Session]:
    """A session for reads only, in one read-only transaction; what it loads stays readable after the block."""
    with reading(database) as connection, Session(bind=connection, expire_on_commit=False) as session:
        yield session
