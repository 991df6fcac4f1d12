"""Shared memory for agents: key/value per scope (a workflow id, or 'global'), with an optional time to live."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from definitions.tools.errors import ToolError
from definitions.tools.sandbox.store import SandboxStore, rfc3339
from storage.sandbox import MemoryEntryRow

__all__ = ["SandboxMemory"]

Json = dict[str, Any]


class SandboxMemory:
    """Implements `definitions.tools.interface.Memory` over the sandbox tables."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def get(self, *, key: str, scope: str = "global") -> Json:
        """The value, or found: false when absent or expired."""
        with self.store.session() as session:
            row = session.get(MemoryEntryRow, (scope, key))
        if row is None or (row.expires_at is not None and row.expires_at <= self.store.now()):
            return {"scope": scope, "key": key, "found": False, "value": None}
        return {"scope": scope, "key": key, "found": True, "value": row.value, "expires_at": rfc3339(row.expires_at)}

    def set(self, *, key: str, value: Any, scope: str = "global", ttl_s: float | None = None) -> Json:
        """Store (or replace) a value; with ttl_s it expires that many seconds from now."""
        if not key or not scope:
            raise ToolError("memory.set", "validation", "memory needs a scope and a key")
        if ttl_s is not None and ttl_s <= 0:
            raise ToolError("memory.set", "validation", "ttl_s must be positive")
        now = self.store.now()
        expires = None if ttl_s is None else now + ttl_s
        try:
            self._store(scope, key, value, expires, now)
        except IntegrityError:  # another writer created the key first: replace its value
            self._store(scope, key, value, expires, now)
        return {"scope": scope, "key": key, "stored": True, "expires_at": rfc3339(expires)}

    def _store(self, scope: str, key: str, value: Any, expires: float | None, now: float) -> None:
        with self.store.session() as session:
            row = session.get(MemoryEntryRow, (scope, key), with_for_update=True)
            if row is None:
                row = MemoryEntryRow(scope=scope, key=key, value=value, expires_at=expires, updated_at=now)
            else:
                row.value, row.expires_at, row.updated_at = value, expires, now
            session.add(row)
