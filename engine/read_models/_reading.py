"""The designer's read-only transactions: `storage.database.reading`, re-exported for the query modules."""

from __future__ import annotations

from storage.database import reading

__all__ = ["reading"]
