"""The storage layer's own errors; the engine turns them into `engine.errors.StorageError` and friends."""

from __future__ import annotations

__all__ = ["DatabaseUnavailable", "StoreError", "TransientConflict"]


class StoreError(Exception):
    """Something went wrong talking to the database."""


class DatabaseUnavailable(StoreError):
    """The database could not be reached, or the connection broke mid-transaction."""


class TransientConflict(StoreError):
    """The database aborted the transaction to resolve a conflict (deadlock, serialisation); retry it."""
