"""The "external system" the test handlers write to: a SQLite file apart from the engine's database.

A handler records every execution (so a test sees how often an action really ran: at least once, more
often when a worker died before its outcome was committed) and applies its effect under the idempotency
key the engine gave it (so the effect takes hold once, however often the action runs, and a repeat gets
the first result back — what a well-behaved handler does with the key).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Applied", "Ledger"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS executions (id INTEGER PRIMARY KEY, key TEXT NOT NULL, action TEXT NOT NULL, "
    "attempt INTEGER NOT NULL, pid INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS applied (key TEXT PRIMARY KEY, action TEXT NOT NULL, value TEXT NOT NULL, "
    "pid INTEGER NOT NULL)",
)


@dataclass(frozen=True, slots=True)
class Applied:
    action: str
    value: Any


class Ledger:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        return connection

    def create(self) -> None:
        with closing(self._connect()) as connection:
            for statement in _SCHEMA:
                connection.execute(statement)

    # --- the handlers' side ---------------------------------------------------------------------------
    def record_execution(self, key: str, action: str, attempt: int) -> None:
        with closing(self._connect()) as connection:
            connection.execute("INSERT INTO executions (key, action, attempt, pid) VALUES (?, ?, ?, ?)",
                               (key, action, attempt, os.getpid()))

    def apply_once(self, key: str, action: str, value: Any) -> Any:
        """Apply the effect under `key` unless it was applied before; the value that holds either way."""
        with closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO applied (key, action, value, pid) VALUES (?, ?, ?, ?) "
                               "ON CONFLICT (key) DO NOTHING", (key, action, json.dumps(value), os.getpid()))
            row = connection.execute("SELECT value FROM applied WHERE key = ?", (key,)).fetchone()
            connection.execute("COMMIT")
        return json.loads(row[0])

    # --- the test's side ------------------------------------------------------------------------------
    def executions(self) -> Counter[str]:
        with closing(self._connect()) as connection:
            return Counter(dict(connection.execute("SELECT key, COUNT(*) FROM executions GROUP BY key")))

    def attempts(self) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        with closing(self._connect()) as connection:
            for key, attempt in connection.execute("SELECT key, attempt FROM executions"):
                found.setdefault(key, set()).add(int(attempt))
        return found

    def applied(self) -> dict[str, Applied]:
        with closing(self._connect()) as connection:
            rows = connection.execute("SELECT key, action, value FROM applied").fetchall()
        return {key: Applied(action, json.loads(value)) for key, action, value in rows}
