"""Column types shared by the tables: JSON kept as text (one encoding on every backend and on the raw-driver
hot path) and 64-bit ids that stay SQLite's rowid alias."""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["BIG_ID", "JSON_TEXT", "TIMESTAMP"]

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_TEXT = sa.Text()
TIMESTAMP = sa.Float(precision=53)  # seconds since the epoch, UTC: compared, ordered and leased by number
