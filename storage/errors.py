"""The storage layer's own errors; the engine turns them into `engine.errors.StorageError` and friends."""

from __future__ import annotations

__all__ = ["ConnectionLost", "DatabaseUnavailable", "GuardFailed", "StoreError", "TransientConflict", "WriterBusy"]


class StoreError(Exception):
    """Something went wrong talking to the database."""


class DatabaseUnavailable(StoreError):
    """The database could not be reached, or the connection broke mid-transaction."""


class ConnectionLost(DatabaseUnavailable):
    """The connection broke before the transaction's COMMIT was sent (a server that restarted or dropped it while
    it was kept idle): nothing was committed, so the transaction may run again on a new connection."""


class TransientConflict(StoreError):
    """The database aborted the transaction to resolve a conflict (deadlock, serialisation); retry it."""


class GuardFailed(StoreError):
    """A deferred write guarded by a condition (an instance's version, a job's lease) found the row changed when
    it was sent; the transaction is rolled back."""


class WriterBusy(StoreError):
    """A write asked not to wait (`storage.transaction.writes_without_waiting`) found the database's writer busy:
    another thread or process holds SQLite's write lock, or the database has no single writer (PostgreSQL).
    Nothing was done; the caller runs the work again where waiting is harmless."""
