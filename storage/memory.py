"""Shared memory entries: JSON values by (tenant, scope, key), each with an optional expiry time.

An entry whose `expires_at` has passed is never returned, though its row stays until the key is written
again or `sweep` deletes it. Scopes are opaque names here; the engine decides what they mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storage.codec import dump, load
from storage.transaction import Transaction

__all__ = ["MemoryRecord", "MemoryStore"]

_UNEXPIRED = "(expires_at IS NULL OR expires_at > ?)"
_EXPIRED = "(shared_memory.expires_at IS NOT NULL AND shared_memory.expires_at <= excluded.updated_at)"


@dataclass(frozen=True, slots=True)
class MemoryRecord:
    tenant: str
    scope: str
    key: str
    value: Any
    expires_at: float | None
    updated_at: float


class MemoryStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def get(self, tenant: str, scope: str, key: str, now: float) -> MemoryRecord | None:
        row = self.tx.one(
            f"SELECT value, expires_at, updated_at FROM shared_memory WHERE tenant = ? AND scope = ? AND key = ? "  # noqa: S608
            f"AND {_UNEXPIRED}",
            (tenant, scope, key, now),
        )
        if row is None:
            return None
        return MemoryRecord(tenant, scope, key, load(row[0]), None if row[1] is None else float(row[1]),
                            float(row[2]))

    def set(self, tenant: str, scope: str, key: str, value: Any, *, expires_at: float | None, now: float) -> None:
        """Store or replace the entry (an expired one included)."""
        self.tx.execute(
            "INSERT INTO shared_memory (tenant, scope, key, value, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (tenant, scope, key) DO UPDATE SET value = excluded.value, "
            "expires_at = excluded.expires_at, updated_at = excluded.updated_at",
            (tenant, scope, key, dump(value), expires_at, now),
        )

    def append(self, tenant: str, scope: str, key: str, item: Any, *, expires_at: float | None, now: float) -> bool:
        """Add `item` to the end of the list under the key, in one statement (safe beside concurrent appends: the
        row is locked and the list grown from its latest version); an absent or expired entry starts a new list.
        False, and nothing written, when the entry holds something other than a list.

        Values are the codec's compact JSON text, so a list is text starting with `[`, grown as text on both
        dialects without decoding it."""
        text = dump(item)
        row = self.tx.one(
            "INSERT INTO shared_memory (tenant, scope, key, value, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "  # noqa: S608
            "ON CONFLICT (tenant, scope, key) DO UPDATE SET "
            f"value = CASE WHEN {_EXPIRED} THEN excluded.value "
            "WHEN shared_memory.value = '[]' THEN excluded.value "
            "ELSE substr(shared_memory.value, 1, length(shared_memory.value) - 1) || ',' || ? || ']' END, "
            "expires_at = excluded.expires_at, updated_at = excluded.updated_at "
            f"WHERE {_EXPIRED} OR substr(shared_memory.value, 1, 1) = '[' RETURNING updated_at",
            (tenant, scope, key, f"[{text}]", expires_at, now, text),
        )
        return row is not None

    def delete(self, tenant: str, scope: str, key: str, now: float) -> bool:
        """Delete the entry; True if there was one that had not expired."""
        row = self.tx.one(
            "DELETE FROM shared_memory WHERE tenant = ? AND scope = ? AND key = ? RETURNING expires_at",
            (tenant, scope, key),
        )
        return row is not None and (row[0] is None or float(row[0]) > now)

    def visible(self, tenant: str, scopes: Sequence[str], now: float) -> list[MemoryRecord]:
        """Every unexpired entry of the tenant's `scopes`, in one query, by scope then key."""
        if not scopes:
            return []
        marks = ", ".join(["?"] * len(scopes))
        rows = self.tx.all(
            f"SELECT scope, key, value, expires_at, updated_at FROM shared_memory WHERE tenant = ? "  # noqa: S608
            f"AND scope IN ({marks}) AND {_UNEXPIRED} ORDER BY scope, key",
            (tenant, *scopes, now),
        )
        return [MemoryRecord(tenant, r[0], r[1], load(r[2]), None if r[3] is None else float(r[3]), float(r[4]))
                for r in rows]

    def sweep(self, now: float) -> int:
        """Delete every expired entry, of every tenant; how many."""
        return self.tx.execute("DELETE FROM shared_memory WHERE expires_at <= ?", (now,))
